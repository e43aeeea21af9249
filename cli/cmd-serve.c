/* SPDX-License-Identifier: MIT */
/*
 * cmd-serve.c - "crashtriage serve --db FILE": the team dashboard over a
 * results database.  The server is serve/serve.c; this file parses the
 * options, opens the database read-only and the knowledge base, reads the
 * token, starts the server and waits for SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "db/batch.h"
#include "db/kb.h"
#include "db/results.h"
#include "rules/match.h"
#include "serve/serve.h"

const char cmd_serve_usage[] =
	"usage: crashtriage serve --db FILE [--listen ADDR:PORT] [--kb PATH]\n"
	"                         [--rules DIR] [--token FILE]\n"
	"                         [--max-upload SIZE]\n"
	"\n"
	"Serve the results database FILE (written by 'crashtriage batch') as\n"
	"a small web application for a team: an overview, the known issues\n"
	"and their cases, clusters of unknown crashes, every case with its\n"
	"backtrace, facts, events and matches, the failed inputs, and a search\n"
	"form that analyses a pasted backtrace or log excerpt on the spot, and\n"
	"an upload form: a bundle, archive or log POSTed to /upload is\n"
	"classified into FILE as 'crashtriage batch' would.\n"
	"Every page is also JSON under /api/ (/api/cases, /api/case/ID, ...).\n"
	"\n"
	"  --db FILE          the results database: the pages read it through\n"
	"                     a read-only handle; an upload writes it as batch\n"
	"                     does (its write lock, one upload at a time)\n"
	"  --listen ADDR:PORT IPv4 address and port (default 127.0.0.1:8080;\n"
	"                     port 0 picks a free one); an address that is not\n"
	"                     loopback needs --token\n"
	"  --kb PATH          knowledge base for search (as analyze --kb)\n"
	"  --rules DIR        a folder of YAML rules instead\n"
	"  --token FILE       the first line of FILE is a token every request\n"
	"                     must carry (Authorization: Bearer TOKEN, or the\n"
	"                     cookie the /login form sets)\n"
	"  --max-upload SIZE  largest upload (K, M, G suffixes; default 256M):\n"
	"                     a larger one is refused with 413, nothing stored\n"
	"  -h, --help         show this help\n"
	"\n"
	"It prints 'listening on http://ADDR:PORT/' and serves until SIGINT\n"
	"or SIGTERM.  Limits: 64 connections, 10 s per idle connection, 1 MiB\n"
	"per request body but uploads.  An upload is multipart/form-data with\n"
	"the field csrf (the token of the forms) first, then one file field\n"
	"named file; it is streamed to a temporary file under $TMPDIR (never\n"
	"unpacked on disk), classified, removed, and answered with 303 to its\n"
	"case (or its input's page when it held several cases).\n"
	"\n"
	"exit status: 0 after a signal, 1 when the database, the token or the\n"
	"address cannot be used, 2 on usage errors\n";

/* Parse "A.B.C.D:PORT" into host-order address and port. */
static bool parse_listen(const char *s, uint32_t *ret_addr, uint16_t *ret_port)
{
	const char *colon = strrchr(s, ':');
	if (!colon || colon - s > 15)
		return false;
	char host[16];
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	struct in_addr in;
	if (inet_pton(AF_INET, host, &in) != 1)
		return false;
	char *end;
	errno = 0;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port > 65535)
		return false;
	*ret_addr = ntohl(in.s_addr);
	*ret_port = (uint16_t)port;
	return true;
}

/* The first line of path, without its newline; NULL after printing why. */
static char *read_token(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		cli_error(ct_error_os(errno, path, "cannot open"));
		return NULL;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	fclose(f);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n < 16 || strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
			     "opqrstuvwxyz0123456789-._~+/=") != (size_t)n) {
		cli_errorf("token in '%s': at least 16 characters of letters, "
			   "digits and -._~+/= expected", path);
		free(line);
		return NULL;
	}
	return line;
}

int cmd_serve(int argc, char **argv)
{
	const char *db_path = NULL, *listen = "127.0.0.1:8080",
		   *kb_path = NULL, *rules_dir = NULL, *token_file = NULL;
	uint64_t max_upload = CT_SERVE_MAX_UPLOAD;
	const struct cli_option options[] = {
		CLI_STRING("db", 0, &db_path),
		CLI_STRING("listen", 0, &listen),
		CLI_STRING("kb", 0, &kb_path),
		CLI_STRING("rules", 0, &rules_dir),
		CLI_STRING("token", 0, &token_file),
		CLI_CUSTOM("max-upload", 0, &max_upload, cli_parse_size),
		CLI_END,
	};
	int optind;
	int rc = cli_parse(argc, argv, options, cmd_serve_usage, false,
			   &optind);
	if (rc >= 0)
		return rc;
	struct ct_server_options so = { 0 };
	if (!db_path || optind < argc ||
	    !parse_listen(listen, &so.addr, &so.port)) {
		fputs(cmd_serve_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if ((so.addr >> 24) != 127 && !token_file) {
		cli_errorf("listening on '%s' (not loopback) needs --token FILE",
			   listen);
		return CLI_EXIT_USAGE;
	}
	char *token = NULL;
	if (token_file && !(token = read_token(token_file)))
		return CLI_EXIT_FAILED;
	so.token = token;
	struct ct_results *db = NULL;
	struct ct_kb *kb = NULL;
	struct ct_kb_db *kb_db = NULL;
	struct ct_server *server = NULL;
	struct ct_error *err = NULL;
	rc = CLI_EXIT_FAILED;
	if (access(db_path, R_OK) != 0)
		err = ct_error_os(errno, db_path, "cannot open");
	if (!err)
		err = ct_results_open_readonly(db_path, &db);
	if (err)
		goto out;
	if (cli_kb_open(kb_path, rules_dir, &kb) != CLI_EXIT_OK)
		goto out;
	err = ct_kb_db_from_kb(kb, &kb_db);
	if (err)
		goto out;
	so.db = db;
	so.db_path = db_path;
	so.max_upload = max_upload;
	so.case_timeout = 300;	/* as batch's default */
	so.kb = kb;
	so.kb_db = kb_db;
	/* the signals are taken by sigwait, in this thread only: block
	 * them before the server's thread starts, so that it inherits the
	 * mask */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	uint16_t port;
	err = ct_server_start(&so, &server, &port);
	if (err)
		goto out;
	struct in_addr in = { .s_addr = htonl(so.addr) };
	char host[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &in, host, sizeof(host));
	printf("listening on http://%s:%u/\n", host, (unsigned)port);
	fflush(stdout);
	int sig;
	sigwait(&set, &sig);
	rc = CLI_EXIT_OK;
out:
	if (err)
		cli_error(err);
	ct_server_stop(server);
	ct_kb_db_close(kb_db);
	if (!ct_batch_has_abandoned())	/* an upload's analysis may use it */
		ct_kb_destroy(kb);
	ct_results_close(db);
	free(token);
	return rc;
}
