/* SPDX-License-Identifier: MIT */
/*
 * kb-load.c - a knowledge base: rules loaded from a folder of YAML files,
 * from named files, or from the copy compiled into the binary, each
 * problem kept with its file (match.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "rules/match-internal.h"
#include "analyzer/error.h"

/* ------------------------------------------------------------------------
 * The knowledge base
 * ------------------------------------------------------------------------ */

struct ct_error *ct_kb_create(const char *source, struct ct_kb **ret)
{
	struct ct_kb *kb = calloc(1, sizeof(*kb));
	if (!kb)
		return &ct_enomem;
	kb->source = strdup(source ? source : "");
	kb->index = calloc(1, sizeof(*kb->index));
	if (!kb->source || !kb->index) {
		ct_kb_destroy(kb);
		return &ct_enomem;
	}
	*ret = kb;
	return NULL;
}

void ct_kb_destroy(struct ct_kb *kb)
{
	if (!kb)
		return;
	for (size_t i = 0; i < kb->count; i++)
		ct_rule_destroy(kb->rules[i]);
	free(kb->rules);
	ct_kb_index_free(kb->index);
	free(kb->source);
	free(kb);
}

const struct ct_rule *ct_kb_find(const struct ct_kb *kb, const char *id)
{
	for (size_t i = 0; i < kb->count; i++)
		if (strcmp(kb->rules[i]->id, id) == 0)
			return kb->rules[i];
	return NULL;
}

struct ct_error *ct_kb_add_rule(struct ct_kb *kb, struct ct_rule *rule)
{
	struct ct_kb_posting *p = ct_kb_index_find(kb->index, 'i', rule->id,
				       strlen(rule->id));
	if (p) {
		const struct ct_rule *other = kb->rules[p->rules[0]];
		return ct_error_corrupt(NULL, 0,
				       "%s: duplicate id '%s' (also in %s)",
				       rule->source ? rule->source : "rule",
				       rule->id,
				       other->source ? other->source : "?");
	}
	if (kb->count >= UINT32_MAX - 1)
		return ct_error_corrupt(NULL, 0, "too many rules");
	if (!ct_grow((void **)&kb->rules, &kb->cap, kb->count + 1,
		     sizeof(*kb->rules)))
		return &ct_enomem;
	uint32_t n = (uint32_t)kb->count;
	if (!ct_kb_index_rule(kb->index, rule, n))
		return &ct_enomem; /* NEEDSWORK: partial postings stay */
	kb->rules[kb->count++] = rule;
	return NULL;
}

void ct_kb_problems_free(struct ct_error **problems, size_t count)
{
	for (size_t i = 0; i < count; i++)
		ct_error_destroy(problems[i]);
	free(problems);
}

/* Collects per-file problems for the loaders. */
struct problems {
	struct ct_error **list;
	size_t count;
	size_t cap;
	bool wanted;
};

/* Keep err as a problem (or drop it if nobody wants the list). */
static struct ct_error *problem(struct problems *p, struct ct_error *err)
{
	if (err == &ct_enomem)
		return err;
	if (!p->wanted) {
		ct_error_destroy(err);
		return NULL;
	}
	if (!ct_grow((void **)&p->list, &p->cap, p->count + 1,
		     sizeof(*p->list))) {
		ct_error_destroy(err);
		return &ct_enomem;
	}
	p->list[p->count++] = err;
	return NULL;
}

/* Parse one file's text and add its rule; problems are recorded. */
static struct ct_error *load_one(struct ct_kb *kb, const char *path,
				 const char *base, const char *buf, size_t len,
				 struct problems *probs)
{
	struct ct_rule *r;
	struct ct_error *err = ct_rule_parse(path, buf, len, &r);
	if (err)
		return problem(probs, err);
	size_t idlen = strlen(r->id);
	size_t blen = strlen(base);
	if (blen != idlen + 5 || memcmp(base, r->id, idlen) != 0) {
		err = ct_error_corrupt(NULL, 0,
				      "%s: id '%s' does not match the file "
				      "name (want %s.yaml)", path, r->id,
				      r->id);
		ct_rule_destroy(r);
		return problem(probs, err ? err : &ct_enomem);
	}
	err = ct_kb_add_rule(kb, r);
	if (err) {
		ct_rule_destroy(r);
		return problem(probs, err);
	}
	return NULL;
}

static bool has_yaml_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && strcmp(name + n - 5, ".yaml") == 0 && name[0] != '.';
}

/* Read a whole small file; NULL on error with *ret_err set. */
static char *read_file(const char *path, size_t *ret_len,
		       struct ct_error **ret_err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*ret_err = ct_error_os(errno, path, "cannot open");
		return NULL;
	}
	char *buf = malloc(CT_RULE_MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		*ret_err = &ct_enomem;
		return NULL;
	}
	size_t n = fread(buf, 1, CT_RULE_MAX_FILE + 1, f);
	bool bad = ferror(f);
	int e = errno;
	fclose(f);
	if (bad) {
		free(buf);
		*ret_err = ct_error_os(e, path, "cannot read");
		return NULL;
	}
	if (n > CT_RULE_MAX_FILE) {
		free(buf);
		*ret_err = ct_error_corrupt(NULL, 0,
					   "%s: rule file larger than %d "
					   "bytes", path, CT_RULE_MAX_FILE);
		return NULL;
	}
	*ret_len = n;
	return buf;
}

static struct ct_error *finish_load(struct ct_kb *kb, struct ct_error *err,
				    struct problems *probs, struct ct_kb **ret,
				    struct ct_error ***ret_problems,
				    size_t *ret_problem_count)
{
	if (err) {
		ct_kb_destroy(kb);
		ct_kb_problems_free(probs->list, probs->count);
		return err;
	}
	if (ret_problems) {
		*ret_problems = probs->list;
		*ret_problem_count = probs->count;
	}
	*ret = kb;
	return NULL;
}

struct ct_error *ct_kb_load_dir(const char *dir, struct ct_kb **ret,
				struct ct_error ***ret_problems,
				size_t *ret_problem_count)
{
	DIR *d = opendir(dir);
	if (!d)
		return ct_error_os(errno, dir, "cannot open folder");
	struct ct_kb *kb;
	struct ct_error *err = ct_kb_create(dir, &kb);
	if (err) {
		closedir(d);
		return err;
	}
	struct problems probs = { .wanted = ret_problems != NULL };
	char **names = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!has_yaml_suffix(de->d_name))
			continue;
		if (count >= 100000) {
			err = ct_error_corrupt(NULL, 0,
					      "%s: more than 100000 rule "
					      "files", dir);
			break;
		}
		if (!ct_grow((void **)&names, &cap, count + 1,
			     sizeof(*names)) ||
		    !(names[count] = strdup(de->d_name))) {
			err = &ct_enomem;
			break;
		}
		count++;
	}
	closedir(d);
	if (!err && count)
		qsort(names, count, sizeof(*names), ct_strptr_cmp);
	for (size_t i = 0; i < count && !err; i++) {
		char *path;
		if (asprintf(&path, "%s/%s", dir, names[i]) < 0) {
			err = &ct_enomem;
			break;
		}
		size_t len;
		struct ct_error *ferr = NULL;
		char *buf = read_file(path, &len, &ferr);
		if (!buf)
			err = problem(&probs, ferr);
		else
			err = load_one(kb, path, names[i], buf, len, &probs);
		free(buf);
		free(path);
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return finish_load(kb, err, &probs, ret, ret_problems,
			   ret_problem_count);
}

struct ct_error *ct_kb_load_files(const char *source,
				  const struct ct_kb_file *files, size_t count,
				  struct ct_kb **ret,
				  struct ct_error ***ret_problems,
				  size_t *ret_problem_count)
{
	struct ct_kb *kb;
	struct ct_error *err = ct_kb_create(source, &kb);
	if (err)
		return err;
	struct problems probs = { .wanted = ret_problems != NULL };
	for (size_t i = 0; i < count && !err; i++) {
		char *path;
		if (asprintf(&path, "%s:%s", source, files[i].name) < 0) {
			err = &ct_enomem;
			break;
		}
		err = load_one(kb, path, files[i].name, files[i].text,
			       files[i].len, &probs);
		free(path);
	}
	return finish_load(kb, err, &probs, ret, ret_problems,
			   ret_problem_count);
}

struct ct_error *ct_kb_load_embedded(struct ct_kb **ret,
				     struct ct_error ***ret_problems,
				     size_t *ret_problem_count)
{
	return ct_kb_load_files("embedded", ct_kb_embedded_files,
				ct_kb_embedded_file_count, ret, ret_problems,
				ret_problem_count);
}
