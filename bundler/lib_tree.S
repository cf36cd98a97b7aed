/* bumble's data tree (build/lib/bumble) as toolchain/pack-tree.c packed
 * it: the bytes of LIB_TREE_PACK between bumble_tree and bumble_tree_end. */
	.section .rodata.bumble_tree, "a"
	.globl bumble_tree
	.type bumble_tree, %object
	.balign 16
bumble_tree:
	.incbin LIB_TREE_PACK
	.globl bumble_tree_end
	.type bumble_tree_end, %object
bumble_tree_end:
	.section .note.GNU-stack, "", %progbits
