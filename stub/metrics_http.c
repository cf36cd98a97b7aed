/* The metrics endpoint's HTTP/1.1 server: a few non-blocking sockets in
 * an epoll set of their own, each request bounded in size and time, one
 * response per connection. Hand-written: a library would grow every
 * tool, and GET /metrics is all it serves. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "metrics.h"

#define HTTP_REQUEST_MAX 8192  /* bytes of request line and headers */
#define HTTP_READ_MS	 2000  /* to send them */
#define HTTP_WRITE_MS	 10000 /* to take the response */
#define HTTP_LINGER_MS	 1000  /* to close after it */
#define HTTP_CLIENTS_MAX 16
#define HTTP_TICK_MS	 100 /* how often deadlines are checked */

enum {
	CLIENT_FREE,
	CLIENT_READING,
	CLIENT_WRITING,
	CLIENT_CLOSING
};

struct http_client {
	int fd;
	int state;
	long long deadline; /* CLOCK_MONOTONIC ms */
	size_t len;
	struct textbuf out;
	size_t sent;
	char req[HTTP_REQUEST_MAX + 1];
};

struct http_server {
	int listen_fd, epoll_fd, timer_fd;
	unsigned int port;
	unsigned int active;
	http_render_fn render;
	void *ctx;
	struct http_client clients[HTTP_CLIENTS_MAX];
};

/* epoll data: which socket is ready */
#define TAG_LISTEN 0
#define TAG_TIMER  1
#define TAG_CLIENT 2

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int watch(struct http_server *s, int op, int fd, unsigned int events,
		 uint64_t tag)
{
	struct epoll_event ev = {.events = events, .data.u64 = tag};

	return epoll_ctl(s->epoll_fd, op, fd, &ev);
}

/* Deadlines are checked by a timer that ticks while a client is open. */
static void arm_timer(struct http_server *s, int on)
{
	struct itimerspec its = {0};

	if (on) {
		its.it_interval.tv_nsec = HTTP_TICK_MS * 1000000L;
		its.it_value = its.it_interval;
	}
	timerfd_settime(s->timer_fd, 0, &its, NULL);
}

static void drop(struct http_server *s, struct http_client *c)
{
	close(c->fd); /* leaves the epoll set too */
	c->fd = -1;
	c->state = CLIENT_FREE;
	textbuf_free(&c->out);
	if (--s->active == 0)
		arm_timer(s, 0);
}

/* What is left of the response, without blocking; then half-close and
 * wait a moment for the client's end, so that unread request bytes do
 * not turn the close into a reset that loses the response. */
static void send_rest(struct http_server *s, struct http_client *c)
{
	while (c->sent < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->sent,
				 c->out.len - c->sent, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (c->state != CLIENT_WRITING) {
				c->state = CLIENT_WRITING;
				c->deadline = now_ms() + HTTP_WRITE_MS;
				watch(s, EPOLL_CTL_MOD, c->fd, EPOLLOUT,
				      TAG_CLIENT + (uint64_t)(c - s->clients));
			}
			return;
		}
		if (n <= 0) {
			drop(s, c);
			return;
		}
		c->sent += (size_t)n;
	}
	shutdown(c->fd, SHUT_WR);
	c->state = CLIENT_CLOSING;
	c->deadline = now_ms() + HTTP_LINGER_MS;
	watch(s, EPOLL_CTL_MOD, c->fd, EPOLLIN | EPOLLRDHUP,
	      TAG_CLIENT + (uint64_t)(c - s->clients));
}

static void respond(struct http_server *s, struct http_client *c,
		    const char *status, const char *extra,
		    const struct textbuf *body, int head)
{
	char header[256];
	const char *text = body ? NULL : status + 4; /* "404 Not Found" */
	size_t len = body ? body->len : strlen(text) + 1;
	int n = snprintf(header, sizeof(header),
			 "HTTP/1.1 %s\r\nContent-Type: %s\r\n"
			 "Content-Length: %zu\r\n%sConnection: close\r\n\r\n",
			 status,
			 body ? "text/plain; version=0.0.4; charset=utf-8"
			      : "text/plain; charset=utf-8",
			 len, extra ? extra : "");

	c->out.len = 0;
	textbuf_put(&c->out, header, (size_t)n);
	if (!head && body)
		textbuf_put(&c->out, body->p ? body->p : "", body->len);
	else if (!head) {
		textbuf_puts(&c->out, text);
		textbuf_putc(&c->out, '\n');
	}
	if (c->out.oom) {
		drop(s, c);
		return;
	}
	c->sent = 0;
	send_rest(s, c);
}

/* The request line: METHOD SP TARGET SP HTTP/1.x. */
static void handle_request(struct http_server *s, struct http_client *c)
{
	char *method = c->req, *target, *version, *end;
	struct textbuf body = {0};
	size_t path_len;
	int head;

	end = strpbrk(c->req, "\r\n");
	if (end)
		*end = '\0';
	target = strchr(method, ' ');
	version = target ? strchr(target + 1, ' ') : NULL;
	if (!target || !version || strncmp(version + 1, "HTTP/1.", 7) ||
	    target == method) {
		respond(s, c, "400 Bad Request", NULL, NULL, 0);
		return;
	}
	*target++ = '\0';
	*version = '\0';
	head = !strcmp(method, "HEAD");
	if (strcmp(method, "GET") && !head) {
		respond(s, c, "405 Method Not Allowed", "Allow: GET, HEAD\r\n",
			NULL, 0);
		return;
	}
	path_len = strcspn(target, "?");
	if (path_len != 8 || strncmp(target, "/metrics", 8)) {
		respond(s, c, "404 Not Found", NULL, NULL, head);
		return;
	}
	s->render(s->ctx, &body);
	if (body.oom)
		respond(s, c, "503 Service Unavailable", NULL, NULL, head);
	else
		respond(s, c, "200 OK", NULL, &body, head);
	textbuf_free(&body);
}

static void on_readable(struct http_server *s, struct http_client *c)
{
	for (;;) {
		char discard[512];
		ssize_t n;

		if (c->state == CLIENT_CLOSING) {
			n = recv(c->fd, discard, sizeof(discard), 0);
		} else {
			n = recv(c->fd, c->req + c->len,
				 HTTP_REQUEST_MAX - c->len, 0);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) { /* the client's end, or an error */
			drop(s, c);
			return;
		}
		if (c->state == CLIENT_CLOSING)
			continue;
		c->len += (size_t)n;
		c->req[c->len] = '\0';
		if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n")) {
			handle_request(s, c);
			return;
		}
		if (memchr(c->req, '\0', c->len)) {
			respond(s, c, "400 Bad Request", NULL, NULL, 0);
			return;
		}
		if (c->len == HTTP_REQUEST_MAX) {
			respond(s, c, "431 Request Header Fields Too Large",
				NULL, NULL, 0);
			return;
		}
	}
}

static void on_accept(struct http_server *s)
{
	for (;;) {
		int fd = accept4(s->listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct http_client *c = NULL;

		if (fd < 0)
			return; /* EAGAIN, or an aborted connection */
		for (unsigned int i = 0; i < HTTP_CLIENTS_MAX; i++)
			if (s->clients[i].state == CLIENT_FREE) {
				c = &s->clients[i];
				break;
			}
		if (!c) { /* busy: say so, without waiting */
			static const char busy[] =
			    "HTTP/1.1 503 Service Unavailable\r\n"
			    "Content-Length: 0\r\nConnection: close\r\n\r\n";

			send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->state = CLIENT_READING;
		c->len = 0;
		c->deadline = now_ms() + HTTP_READ_MS;
		if (watch(s, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLRDHUP,
			  TAG_CLIENT + (uint64_t)(c - s->clients))) {
			close(fd);
			c->state = CLIENT_FREE;
			continue;
		}
		if (s->active++ == 0)
			arm_timer(s, 1);
	}
}

static void on_tick(struct http_server *s)
{
	uint64_t ticks;
	long long now = now_ms();

	if (read(s->timer_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	for (unsigned int i = 0; i < HTTP_CLIENTS_MAX; i++) {
		struct http_client *c = &s->clients[i];

		if (c->state != CLIENT_FREE && now >= c->deadline)
			drop(s, c); /* slow, silent or gone */
	}
}

void http_serve(struct http_server *s)
{
	struct epoll_event evs[HTTP_CLIENTS_MAX + 2];
	int n = epoll_wait(s->epoll_fd, evs, HTTP_CLIENTS_MAX + 2, 0);

	for (int i = 0; i < n; i++) {
		uint64_t tag = evs[i].data.u64;
		struct http_client *c;

		if (tag == TAG_LISTEN) {
			on_accept(s);
			continue;
		}
		if (tag == TAG_TIMER) {
			on_tick(s);
			continue;
		}
		c = &s->clients[tag - TAG_CLIENT];
		if (c->state == CLIENT_FREE)
			continue; /* dropped by an earlier event */
		if (c->state == CLIENT_WRITING) {
			if (evs[i].events & (EPOLLERR | EPOLLHUP))
				drop(s, c);
			else
				send_rest(s, c);
			continue;
		}
		on_readable(s, c);
	}
}

int http_open(const struct sockaddr_in *addr, http_render_fn render, void *ctx,
	      struct http_server **out)
{
	struct http_server *s = calloc(1, sizeof(*s));
	struct sockaddr_in bound;
	socklen_t len = sizeof(bound);
	int one = 1, err;

	*out = NULL;
	if (!s) {
		diag_err("out of memory");
		return BUMBLE_EXIT_FAILURE;
	}
	s->render = render;
	s->ctx = ctx;
	for (unsigned int i = 0; i < HTTP_CLIENTS_MAX; i++)
		s->clients[i].fd = -1;
	s->listen_fd =
	    socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	s->timer_fd =
	    timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->listen_fd < 0 || s->epoll_fd < 0 || s->timer_fd < 0) {
		diag_err("cannot open the metrics socket: %s", strerror(errno));
		goto fail;
	}
	setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->listen_fd, (const struct sockaddr *)addr, sizeof(*addr)) ||
	    listen(s->listen_fd, 64)) {
		err = errno;
		diag_err("--metrics: cannot listen on %s:%u: %s",
			 inet_ntoa(addr->sin_addr), ntohs(addr->sin_port),
			 strerror(err));
		http_close(s);
		return BUMBLE_EXIT_ADDRESS;
	}
	getsockname(s->listen_fd, (struct sockaddr *)&bound, &len);
	s->port = ntohs(bound.sin_port);
	if (watch(s, EPOLL_CTL_ADD, s->listen_fd, EPOLLIN, TAG_LISTEN) ||
	    watch(s, EPOLL_CTL_ADD, s->timer_fd, EPOLLIN, TAG_TIMER)) {
		diag_err("epoll_ctl: %s", strerror(errno));
		goto fail;
	}
	*out = s;
	return 0;
fail:
	http_close(s);
	return BUMBLE_EXIT_FAILURE;
}

int http_poll_fd(const struct http_server *s)
{
	return s->epoll_fd;
}

unsigned int http_port(const struct http_server *s)
{
	return s->port;
}

void http_close(struct http_server *s)
{
	if (!s)
		return;
	for (unsigned int i = 0; i < HTTP_CLIENTS_MAX; i++)
		if (s->clients[i].state != CLIENT_FREE) {
			close(s->clients[i].fd);
			textbuf_free(&s->clients[i].out);
		}
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->epoll_fd >= 0)
		close(s->epoll_fd);
	if (s->timer_fd >= 0)
		close(s->timer_fd);
	free(s);
}
