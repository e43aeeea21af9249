/* SPDX-License-Identifier: MIT */
/*
 * cmd-merge.c - "crashtriage merge --db ALL SHARD...": fold the results
 * databases of `batch --shard K/N` runs into one.  The work is the
 * library's (db/merge.h); this file parses, calls and prints.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "db/merge.h"

const char cmd_merge_usage[] =
	"usage: crashtriage merge --db FILE SHARD...\n"
	"\n"
	"Fold the results databases SHARD... (each written by 'crashtriage\n"
	"batch --shard K/N', or any results database) into FILE, created if\n"
	"missing; what FILE holds is kept.  Inputs and cases are deduplicated\n"
	"by content, every table of a case comes with it, and unknown cases\n"
	"are clustered again across all shards.  Merging a shard twice\n"
	"changes nothing, and the order of the SHARDs does not matter.  A\n"
	"SHARD of another schema version is refused, naming it.  FILE is\n"
	"written to a temporary file beside it and renamed into place.\n"
	"\n"
	"  --db FILE     the merged results database\n"
	"  -h, --help    show this help\n"
	"\n"
	"Options may come before or after the SHARDs; '--' ends them.\n"
	"\n"
	"exit status: 0 merged; 1 a SHARD or FILE could not be read or\n"
	"written (FILE is unchanged); 2 usage errors\n";

int cmd_merge(int argc, char **argv)
{
	const char *db_path = NULL;
	const struct cli_option options[] = {
		CLI_STRING("db", 0, &db_path),
		CLI_END,
	};
	int optind;
	int rc = cli_parse(argc, argv, options, cmd_merge_usage, false,
			   &optind);
	if (rc >= 0)
		return rc;
	if (!db_path || optind >= argc) {
		fputs(cmd_merge_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	struct ct_merge_stats st;
	struct ct_error *err = ct_merge_shards(db_path, argv + optind,
					       (size_t)(argc - optind), &st);
	if (err) {
		cli_error(err);
		return CLI_EXIT_FAILED;
	}
	printf("merged %zu shards: inputs %zu, cases %zu (%zu new), "
	       "clusters %zu\n", st.shards, st.inputs, st.cases,
	       st.cases - st.cases_before, st.clusters);
	return CLI_EXIT_OK;
}
