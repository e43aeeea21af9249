/* SPDX-License-Identifier: MIT */
/*
 * cluster.c - grouping unknown cases by their signatures (cluster.h): the
 * frame-list distance and the choice of a case's cluster.  Storage of the
 * clusters is db/results.c's.
 */
#include <stdio.h>

#include "analyzer/cluster.h"
#include "analyzer/internal.h"

double ct_frames_distance(char *const *a, size_t na, char *const *b,
			  size_t nb)
{
	if (!na && !nb)
		return 0.0;
	if (na > CT_CLUSTER_FRAMES)
		na = CT_CLUSTER_FRAMES;
	if (nb > CT_CLUSTER_FRAMES)
		nb = CT_CLUSTER_FRAMES;
	size_t d[CT_CLUSTER_FRAMES + 1][CT_CLUSTER_FRAMES + 1];
	for (size_t i = 0; i <= na; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= na; i++)
		for (size_t j = 1; j <= nb; j++) {
			size_t cost = strcmp(a[i - 1], b[j - 1]) != 0;
			size_t best = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			d[i][j] = best;
		}
	size_t longer = na > nb ? na : nb;
	if (!longer)
		return 0.0;
	return (double)d[na][nb] / (double)longer;
}

/* Split "a\nb\nc" into a new array of at most CT_CLUSTER_FRAMES strings. */
static bool split_frames(const char *s, char ***ret, size_t *ret_count)
{
	char **v = calloc(CT_CLUSTER_FRAMES, sizeof(*v));
	size_t n = 0;
	if (!v)
		return false;
	while (s && *s && n < CT_CLUSTER_FRAMES) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		if (!(v[n++] = strndup(s, len))) {
			for (size_t i = 0; i < n; i++)
				free(v[i]);
			free(v);
			return false;
		}
		s = nl ? nl + 1 : NULL;
	}
	*ret = v;
	*ret_count = n;
	return true;
}

void ct_clusters_deinit(struct ct_clusters *k)
{
	for (size_t i = 0; i < k->count; i++) {
		for (size_t j = 0; j < k->v[i].frame_count; j++)
			free(k->v[i].frames[j]);
		free(k->v[i].frames);
	}
	free(k->v);
	k->v = NULL;
	k->count = k->cap = 0;
}

struct ct_error *ct_clusters_add(struct ct_clusters *k, int64_t id,
				 const char *hash, const char *frames)
{
	if (!ct_grow((void **)&k->v, &k->cap, k->count + 1, sizeof(*k->v)))
		return &ct_enomem;
	struct ct_cluster *n = &k->v[k->count];
	memset(n, 0, sizeof(*n));
	n->id = id;
	snprintf(n->hash, sizeof(n->hash), "%s", hash ? hash : "");
	if (!split_frames(frames, &n->frames, &n->frame_count))
		return &ct_enomem;
	k->count++;
	return NULL;
}

bool ct_clusters_find(const struct ct_clusters *k,
		      const struct ct_signature *sig, int64_t *ret_id)
{
	const struct ct_cluster *best = NULL;
	double best_d = 2.0;
	for (size_t i = 0; i < k->count && best_d > 0.0; i++) {
		const struct ct_cluster *c = &k->v[i];
		if (strcmp(c->hash, sig->hash) == 0) {
			best = c;
			best_d = 0.0;
			break;
		}
	}
	for (size_t i = 0; i < k->count && best_d > 0.0; i++) {
		const struct ct_cluster *c = &k->v[i];
		double d = ct_frames_distance(c->frames, c->frame_count,
					      sig->frames, sig->frame_count);
		if (d < best_d) {
			best_d = d;
			best = c;
		}
	}
	if (!best || best_d > CT_CLUSTER_THRESHOLD)
		return false;
	*ret_id = best->id;
	return true;
}
