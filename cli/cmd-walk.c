/* SPDX-License-Identifier: MIT */
/*
 * cmd-walk.c - "crashtriage walk CORE": follow a TAILQ or list_head
 * through a core with every link checked, and print the elements and what
 * is wrong with them.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "analyzer/vmcore.h"
#include "analyzer/walk/walk.h"
#include "rules/match.h"

const char cmd_walk_usage[] =
	"usage: crashtriage walk CORE [--exe BINARY] [--type T] --root ROOT\n"
	"       [--member M] [--elem-type E --link F]\n"
	"       [--kind tailq|slist|list|stailq|list_head|hlist|rb|linux-rb]\n"
	"       [--key K]\n"
	"       [--string S]... [--no-members] [--max N] [--case] [--json]\n"
	"\n"
	"Walk the list whose head is member M of the root object in the\n"
	"user-space core CORE, with types and offsets from the DWARF of the\n"
	"program, and check every link: sys/queue.h TAILQ, SLIST, LIST (with\n"
	"le_prev), STAILQ (with stqh_last), Linux list_head and hlist (with\n"
	"pprev).  Bad pointers are classified (null, poison, misaligned,\n"
	"unmapped, not-dumped, truncated, bit-flip: one bit from the right\n"
	"link; freed: into memory filled with 0x6b or 0xdeadbeef markers;\n"
	"foreign: into code or a stack; shared: an element with two\n"
	"predecessors), cycles are found in constant memory.  When the forward walk breaks, the\n"
	"back links are followed from the tail (tqh_last and tqe_prev, or the\n"
	"head's prev and prev) to recover the elements after the break\n"
	"(bounded and cycle-checked); --json adds 'recovered' with count,\n"
	"break_after, joined, first_index, last_index, stopped, elements[].\n"
	"\n"
	"A red-black tree head (BSD RB_HEAD rbh_root, or Linux rb_root) is\n"
	"walked in order, depth-capped at 128, with every link classified and\n"
	"checked: each child's parent link (bad-parent), no red node with a\n"
	"red child (red-red), equal black heights (black-height, at the\n"
	"lowest node whose subtrees differ), a black root (root-red), links\n"
	"to an ancestor (cycle) or to a node reached before (shared), and\n"
	"elements that are freed glibc tcache chunks (freed).  The BSD layout\n"
	"has rbe_left, rbe_right, rbe_parent and rbe_color, or the colour in\n"
	"bit 0 of rbe_parent (1: red); Linux packs it in __rb_parent_color\n"
	"(1: black); an rb_root_cached's rb_leftmost must be the first node\n"
	"(bad-leftmost).\n"
	"\n"
	"Every pointer member of every element is checked too (the element\n"
	"struct's members as DWARF names them, embedded structs, unions and\n"
	"arrays followed within bounds; the link and --string members have\n"
	"their own checks): NULL or a pointer that is not poison, aligned for\n"
	"its target, into mapped memory (one past the end allowed) that is not\n"
	"freed; a char * also a terminated, printable string (UTF-8 and line\n"
	"ends allowed); a function pointer into executable memory.  Memory\n"
	"mapped but left out of the dump passes (read-only data usually is).\n"
	"A union is checked only when all its variants are pointers, against\n"
	"the least demanding one.  Findings name the member path (name,\n"
	"addr.host); at most 64 pointers per element and 256 findings, with a\n"
	"note when capped.\n"
	"\n"
	"  --root ROOT  a global variable, VAR.MEMBER.MEMBER, or an address\n"
	"             (then --type names its struct); pointers are followed\n"
	"  --type T   struct of the root object (checked for a variable)\n"
	"  --member M member path from the root to the list or tree head\n"
	"             (default: the root is the head)\n"
	"  --elem-type E  element struct (BSD kinds: default from the first\n"
	"             pointer; list_head, hlist: default the bare nodes)\n"
	"  --link F   member of E holding the links (e.g. entries)\n"
	"  --kind K   the head's kind: tailq, slist, list (BSD LIST), stailq,\n"
	"             list_head, hlist, rb (BSD RB_HEAD), linux-rb (rb_root)\n"
	"             (default: from its members)\n"
	"  --key K    trees: member path of E that orders the tree; integers\n"
	"             compare as integers (signedness from DWARF), char[N] and\n"
	"             char * as strings (first 256 bytes); out of order is\n"
	"             'order', equal to the previous element 'duplicate'\n"
	"  --string S check member S of each element (char * or char[N];\n"
	"             repeatable, up to 16): the pointer readable (classified\n"
	"             like the links), a NUL within 4096 bytes or the array\n"
	"             (else 'unterminated'), every byte printable (else\n"
	"             'unprintable', with the offset of the first bad byte)\n"
	"  --no-members  check the links and --string members only\n"
	"  --exe BINARY  the program that dumped core (default: the file the\n"
	"             core names)\n"
	"  --max N    stop after N elements (default and at most 10000000)\n"
	"  --case     print the core's case (JSON) with the findings added and\n"
	"             matched against the known issues\n"
	"  --json     one JSON object: count, elements[], findings[],\n"
	"             recovered{} when the walk broke\n"
	"  -h, --help show this help\n"
	"\n"
	"CORE may also be a Linux kernel crash dump (any format dmesg reads):\n"
	"offsets then come from the kernel's own BTF in it, ROOT is a\n"
	"kallsyms symbol or 0x... of struct --type (without --type and\n"
	"--member, the head itself), --member a path of embedded members,\n"
	"and list_head, hlist and linux-rb are walked with the same checks,\n"
	"pointer members, --string and --key too; ROOT may be a loaded\n"
	"module's symbol and the types a module's own BTF.\n"
	"\n"
	"exit status: 0 when the walk found nothing wrong, 1 when it found\n"
	"corruption or could not walk, 2 on usage errors\n";

static void print_text(const struct ct_walk_result *r,
		       const struct ct_walk_spec *spec)
{
	/* as the headers spell them */
	static const char *const shown[CT_WALK_KIND_MAX] = {
		[CT_WALK_TAILQ] = "TAILQ", [CT_WALK_SLIST] = "SLIST",
		[CT_WALK_LIST] = "LIST", [CT_WALK_STAILQ] = "STAILQ",
		[CT_WALK_LIST_HEAD] = "list_head", [CT_WALK_HLIST] = "hlist",
		[CT_WALK_RB] = "RB_HEAD", [CT_WALK_LINUX_RB] = "rb_root",
	};
	const char *kind = (unsigned)r->kind < CT_WALK_KIND_MAX &&
			   shown[r->kind] ? shown[r->kind] : "?";
	printf("walk     %s %s%s%s (%s) at 0x%" PRIx64 "\n", kind,
	       cli_vis(spec->root), spec->member[0] ? "->" : "",
	       cli_vis(spec->member), cli_vis(r->head_type), r->head);
	printf("elements %zu%s%s\n", r->count, r->elem_type[0] ? " of struct " : "",
	       cli_vis(r->elem_type));
	enum { SHOWN = 20 };
	for (size_t i = 0; i < r->count && i < SHOWN; i++)
		printf("  [%zu] 0x%" PRIx64 "\n", i, r->elements[i]);
	if (r->count > SHOWN)
		printf("  ... %zu more\n", r->count - SHOWN);
	if (!r->finding_count)
		printf("findings none\n");
	for (size_t i = 0; i < r->finding_count; i++) {
		const struct ct_walk_finding *f = &r->findings[i];
		if (f->element >= 0)
			printf("finding  %s: element %ld %s.%s at 0x%" PRIx64
			       ": %s\n", f->kind, f->element, cli_vis(f->type),
			       cli_vis(f->field), f->address,
			       cli_vis(f->reason));
		else
			printf("finding  %s: head %s.%s at 0x%" PRIx64 ": %s\n",
			       f->kind, cli_vis(f->type), cli_vis(f->field),
			       f->address, cli_vis(f->reason));
	}
	if (r->findings_dropped)
		printf("findings %zu more not kept\n", r->findings_dropped);
	if (r->member_note[0])
		printf("note     %s\n", cli_vis(r->member_note));
	if (!r->back_walked)
		return;
	printf("recovered %zu from the tail", r->recovered_count);
	if (r->recovered_indexed && r->recovered_count)
		printf(": elements %ld..%ld", r->recovered_join + 1,
		       r->recovered_join + (long)r->recovered_count);
	if (r->recovered_join >= 0)
		printf(", back links meet element %ld", r->recovered_join);
	else if (r->recovered_join == -1)
		printf(", back links reach the head");
	if (r->recovered_stop[0])
		printf(", stopped: %s", cli_vis(r->recovered_stop));
	putchar('\n');
	for (size_t i = 0; i < r->recovered_count && i < SHOWN; i++) {
		size_t back = r->recovered_count - 1 - i;
		if (r->recovered_indexed)
			printf("  [%ld]", r->recovered_join + 1 + (long)i);
		else if (back)
			printf("  [tail-%zu]", back);
		else
			printf("  [tail]");
		printf(" 0x%" PRIx64 "\n", r->recovered[i]);
	}
	if (r->recovered_count > SHOWN)
		printf("  ... %zu more\n", r->recovered_count - SHOWN);
}

/* The case for CORE (its threads, signal and facts, as analyze reads
 * them) with the walk's findings added and matched against the built-in
 * known issues, as JSON: a corrupt structure is evidence for a rule. */
static int print_case(const char *core, const char *exe,
		      const struct ct_walk_result *r,
		      const struct ct_walk_spec *spec)
{
	struct ct_analyze_options opts = { .executable = exe };
	struct ct_case *c;
	struct ct_error *err = ct_analyze_path_with(core, &opts, &c);
	if (err) {
		cli_error(err);
		return CLI_EXIT_FAILED;
	}
	struct ct_kb *kb;
	int rc = cli_kb_open(NULL, NULL, &kb);
	if (rc) {
		ct_case_destroy(c);
		return rc;
	}
	struct ct_origin o = { c->inputs ? c->inputs[0].path : core, 0 };
	char *json = NULL;
	err = ct_walk_result_to_case(r, spec, c, o);
	if (!err)
		err = ct_kb_match(kb, c);
	if (!err)
		err = ct_case_to_json(c, &json);
	ct_kb_destroy(kb);
	ct_case_destroy(c);
	if (err) {
		cli_error(err);
		return CLI_EXIT_FAILED;
	}
	puts(json);
	free(json);
	return CLI_EXIT_OK;
}

/* Walk spec in core (with exe's DWARF) and print the result as a case,
 * as JSON or as text; the exit code. */
static int run_walk(const char *core, const char *exe,
		    const struct ct_walk_spec *spec, bool json, bool as_case)
{
	struct ct_walk_session *s = NULL;
	struct ct_vmcore *vc = NULL;
	struct ct_kernel *k = NULL;
	struct ct_walk_result *r;
	/* a kernel dump: types from its BTF; else a user core */
	struct ct_error *err = ct_vmcore_open_file(core, &vc);
	if (!err) {
		err = ct_kernel_open(vc, &k);
		if (!err)
			err = ct_walk_kernel_run(k, spec, &r);
	} else {
		ct_error_destroy(err);
		err = ct_walk_session_open(core, exe, &s);
		if (!err)
			err = ct_walk_run(s, spec, &r);
	}
	if (err) {
		cli_error(err);
		ct_walk_session_destroy(s);
		ct_kernel_destroy(k);
		ct_vmcore_destroy(vc);
		return CLI_EXIT_FAILED;
	}
	int rc = r->finding_count ? CLI_EXIT_FAILED : CLI_EXIT_OK;
	if (as_case) {
		int crc = print_case(core, exe, r, spec);
		if (crc != CLI_EXIT_OK)
			rc = crc;
	} else if (json) {
		char *out;
		err = ct_walk_result_to_json(r, &out);
		if (err) {
			cli_error(err);
			rc = CLI_EXIT_FAILED;
		} else {
			puts(out);
			free(out);
		}
	} else {
		print_text(r, spec);
	}
	ct_walk_result_destroy(r);
	ct_walk_session_destroy(s);
	ct_kernel_destroy(k);
	ct_vmcore_destroy(vc);
	return rc;
}

static bool parse_kind(const char *value, void *target)
{
	enum ct_walk_kind *kind = target;
	*kind = ct_walk_kind_from_name(value);
	return *kind != CT_WALK_KIND_MAX;
}

int cmd_walk(int argc, char **argv)
{
	struct ct_walk_spec spec = { 0 };
	struct cli_list strings = { .max = CT_WALK_MAX_STRINGS };
	const char *exe = NULL;
	bool json = false, as_case = false;
	unsigned long max = 0;
	const struct cli_option options[] = {
		CLI_FLAG("json", 'j', &json),
		CLI_STRING("exe", 0, &exe),
		CLI_STRING("type", 0, &spec.type),
		CLI_STRING("root", 0, &spec.root),
		CLI_STRING("member", 0, &spec.member),
		CLI_STRING("elem-type", 0, &spec.elem_type),
		CLI_STRING("link", 0, &spec.link),
		CLI_CUSTOM("kind", 0, &spec.kind, parse_kind),
		CLI_UINT("max", 0, &max, 1, CT_WALK_MAX_ELEMENTS),
		CLI_FLAG("case", 0, &as_case),
		CLI_LIST("string", 0, &strings),
		CLI_STRING("key", 0, &spec.key),
		CLI_FLAG("no-members", 0, &spec.no_members),
		CLI_END,
	};
	int optind;
	int rc = cli_parse(argc, argv, options, cmd_walk_usage, false,
			   &optind);
	spec.strings = strings.items;
	spec.string_count = strings.count;
	spec.max_elements = (size_t)max;
	if (rc < 0 && (optind + 1 != argc || !spec.root)) {
		fputs(cmd_walk_usage, stderr);
		rc = CLI_EXIT_USAGE;
	}
	if (rc < 0) {
		if (!spec.member)
			spec.member = "";	/* the root is the head */
		rc = run_walk(argv[optind], exe, &spec, json, as_case);
	}
	cli_list_free(&strings);
	return rc;
}
