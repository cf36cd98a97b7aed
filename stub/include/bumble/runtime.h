/* The interface between a generated runner and the bumble runtime.
 * A runner describes its tool in these tables and calls bumble_main(). */
#ifndef BUMBLE_RUNTIME_H
#define BUMBLE_RUNTIME_H

#include <stddef.h>

#define BUMBLE_RUNTIME_ABI 2

/* Exit codes of a produced tool (documented in docs/tool.md). */
/* --verify exits 0 when the payload checks out, 1 when it does not. */
enum bumble_exit {
	BUMBLE_EXIT_OK = 0,
	BUMBLE_EXIT_FAILURE = 1,   /* runtime error not covered below */
	BUMBLE_EXIT_USAGE = 2,	   /* bad command line */
	BUMBLE_EXIT_PAYLOAD = 3,   /* embedded payload missing or corrupt */
	BUMBLE_EXIT_PRIVILEGE = 4, /* needs CAP_BPF + CAP_PERFMON or root */
	BUMBLE_EXIT_VERIFIER = 5, /* the kernel's verifier rejected a program */
	BUMBLE_EXIT_NO_BTF = 6,	  /* kernel has no BTF and no --btf given */
	BUMBLE_EXIT_ATTACH = 7,	  /* a program could not be attached */
	BUMBLE_EXIT_ADDRESS = 8,  /* --metrics cannot listen (port in use) */
};

/* Each list below is the one table of its names: X(ID, "name") makes the
 * enumerator BUMBLE_<LIST>_ID, and bumble's generator, inspect and the
 * tool's --list take "name" from the same line. */

/* How the bytes of one field are read. */
#define BUMBLE_KINDS(X)                                                        \
	X(INT, "int")	  /* signed integer, 1/2/4/8 bytes */                  \
	X(UINT, "uint")	  /* unsigned integer, 1/2/4/8 bytes */                \
	X(BOOL, "bool")	  /* 1 byte, printed true/false */                     \
	X(CHARS, "chars") /* char array, printed as a string up to NUL */      \
	X(ENUM, "enum")	  /* integer printed by enumerator name */             \
	X(BYTES, "bytes") /* opaque bytes, printed as hex */                   \
	X(PTR, "ptr")	  /* pointer, printed as 0x... */

/* How a decoded value is shown, chosen from its typedef name (the name
 * here; hex is any of hex_u8, hex_u16, hex_u32 and hex_u64), from
 * bumble bundle --format FIELD=NAME, or from what fills the field in
 * the program's source (docs/conventions.md). */
#define BUMBLE_FORMATS(X)                                                      \
	X(PLAIN, "plain")                                                      \
	X(IPV4, "ipv4_addr")	  /* 4 bytes, network order */                 \
	X(IPV6, "ipv6_addr")	  /* 16 bytes */                               \
	X(INET, "inet_addr")	  /* 16 bytes: IPv4 or IPv6 by a family */     \
	X(DURATION, "duration")	  /* nanoseconds */                            \
	X(PORT, "net_port")	  /* 2 bytes, network order */                 \
	X(KTIME, "ktime_ns")	  /* CLOCK_MONOTONIC ns */                     \
	X(ERRNO, "errno_code")	  /* ENOENT */                                 \
	X(SYSCALL, "syscall_nr")  /* openat */                                 \
	X(SIGNAL, "signal_nr")	  /* SIGTERM */                                \
	X(HEX, "hex")		  /* 0x1f */                                   \
	X(STACK, "stack_id")	  /* bpf_get_stackid(): the stack, by name */  \
	X(TCP_STATE, "tcp_state") /* ESTABLISHED */                            \
	X(SOFTIRQ, "softirq_vec") /* net_rx */

/* What a map is for: by name prefix (print_ ...) or BumbleBee's
 * .maps.print sections. */
#define BUMBLE_ROLES(X)                                                        \
	X(NONE, "none")	      /* internal state, not shown */                  \
	X(PRINT, "print")     /* events printed as they arrive */              \
	X(COUNTER, "counter") /* a key struct -> a count */                    \
	X(GAUGE, "gauge")     /* a key struct -> a value */                    \
	X(HIST, "hist")	      /* a key struct with a bucket -> a count */

#define BUMBLE_KIND_ENUMERATOR(id, name)   BUMBLE_KIND_##id,
#define BUMBLE_FORMAT_ENUMERATOR(id, name) BUMBLE_FORMAT_##id,
#define BUMBLE_ROLE_ENUMERATOR(id, name)   BUMBLE_ROLE_##id,

enum bumble_kind {
	BUMBLE_KINDS(BUMBLE_KIND_ENUMERATOR) BUMBLE_KIND_COUNT
};
enum bumble_format {
	BUMBLE_FORMATS(BUMBLE_FORMAT_ENUMERATOR) BUMBLE_FORMAT_COUNT
};
enum bumble_role {
	BUMBLE_ROLES(BUMBLE_ROLE_ENUMERATOR) BUMBLE_ROLE_COUNT
};

struct bumble_enum_value {
	long long value;
	const char *name;
};

/* One column of an event: a member of the event struct. Nested struct
 * members are flattened with dotted names ("addr.port"), and in JSON
 * nested again ({"addr":{"port":...}}); the members of an anonymous
 * struct or union are the parent's, as in C. */
struct bumble_field {
	const char *name;
	unsigned int offset;	 /* byte offset in the event */
	unsigned int size;	 /* bytes of one element */
	unsigned int count;	 /* array elements; 1 for a scalar */
	unsigned char bit_shift; /* bitfield: bits above offset, else 0 */
	unsigned char bit_size;	 /* bitfield width in bits, else 0 */
	unsigned char kind;	 /* enum bumble_kind */
	unsigned char format;	 /* enum bumble_format */
	unsigned short width;	 /* text column width */
	unsigned short enum_count;
	unsigned char depth;	     /* dots in name: JSON objects it is in */
	unsigned char enum_unsigned; /* ENUM: no value is negative */
	const struct bumble_enum_value *enum_values;
	/* inet_addr: 1 + the offset of the event's address family field
	 * (AF_INET: the first 4 bytes are the address), and its size;
	 * 0: none, IPv4 when bytes 4 to 15 are zero */
	unsigned int family_offset;
	unsigned char family_size;
	/* the format holds only while a parameter selects it (a key that
	 * is a syscall number unless --per_pid is given): 1 + the index of
	 * that parameter in the tool's params, 0: always; and whether the
	 * format holds when the parameter is nonzero (else when zero) */
	unsigned short format_param;
	unsigned char format_param_nonzero;
};

struct bumble_event_type {
	const char *name; /* the C struct name */
	unsigned int size;
	unsigned int field_count;
	const struct bumble_field *fields;
};

struct bumble_map {
	const char *name;
	unsigned char role;		       /* enum bumble_role */
	const struct bumble_event_type *event; /* print: each event */
	/* counter, gauge, hist: the key's layout, and an integer value */
	const struct bumble_event_type *key;
	unsigned char value_size;
	unsigned char value_signed;
	/* hist: a value struct holding the counts in an integer array
	 * slots[] (log2 buckets, or linear ones when it has a field step:
	 * slot i holds [min + i*step, min + (i+1)*step)), and optionally
	 * sum, the total of what was counted; NULL for an integer value */
	const struct bumble_event_type *value;
	const char *help; /* the comment before its declaration, or NULL */
	/* bumble bundle --map-size: its max_entries; 0: the object's (a
	 * max_entries of 0 there gets the default, docs/conventions.md) */
	unsigned int max_entries;
	/* a global array shown as a counter or hist, keyed by its index:
	 * the section holding it (".bss" or ".data"), its offset there,
	 * the size of an element and their count; NULL for a map. A
	 * count of 1 is a lone global: its key has no field, and it is
	 * shown even when zero */
	const char *global;
	unsigned int global_offset, global_size, global_count;
};

struct bumble_program {
	const char *name;
	const char *section;
	/* bumble bundle --attach: the target a kprobe or fentry program
	 * (FUNCTION) or uprobe program (BINARY:FUNCTION) attaches to unless
	 * the tool's --attach names another; for a perf_event program,
	 * bumble bundle --perf-event: the event it samples (cycles) unless
	 * the tool's --perf-event names another; NULL: its section's (a
	 * perf_event program's: cpu-clock) */
	const char *attach;
};

/* A `const volatile` global of the program, set with --NAME VALUE before
 * the object is loaded. */
struct bumble_param {
	const char *name;
	const char *help;	  /* from a doc comment or BUMBLE_HELP() */
	const char *default_text; /* the initial value, as shown in --help */
	unsigned int offset;	  /* in the .rodata map */
	unsigned int size;	  /* bytes of one element */
	unsigned int count;	  /* elements: N for char[N], else 1 */
	unsigned char kind;	  /* INT, UINT, BOOL, ENUM or CHARS */
	unsigned short enum_count;
	const struct bumble_enum_value *enum_values;
};

/* Everything a runner knows about its tool. */
struct bumble_tool {
	size_t sz; /* sizeof(struct bumble_tool), for growth */
	const char *name;
	const char *version; /* ignored since ABI 2: the bundle's is used */
	const char *description;
	const char *bumble_version; /* of the bundler that generated it */
	/* The BPF object is in the payload bumble appends to the tool; this
	 * is its sha256, binding these tables to that object. */
	const char *bytecode_digest;
	/* Ignored since runtime ABI 2 (bumble_manifest_digest below); kept
	 * so that runners generated before still compile. */
	const char *manifest_digest;
	unsigned int map_count;
	const struct bumble_map *maps;
	unsigned int program_count;
	const struct bumble_program *programs;
	unsigned int param_count;
	const struct bumble_param *params;
};

/* What belongs to one bundle rather than to a runner: bumble bundle
 * generates it in an object of its own and links it beside the runner
 * (--runner), or fills it into the prelinked stub's slot
 * (stub/prelinked_slot.h), so an edited or regenerated runner never
 * carries a stale digest or version. */
struct bumble_bundle {
	const char *manifest_digest; /* of the embedded OCI manifest */
	const char *version;	     /* bumble bundle --version */
	const char *arch;	     /* bumble bundle --arch: aarch64 */
};

extern const struct bumble_bundle bumble_bundle;

/* Runs the tool: parses argv, loads, attaches, prints events until
 * stopped. Returns an enum bumble_exit code. */
int bumble_main(int argc, char **argv, const struct bumble_tool *tool);

#endif
