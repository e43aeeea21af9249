/* SPDX-License-Identifier: MIT */
/*
 * cluster.h - grouping unknown cases by their signatures.  A signature
 * concern: the results store (db/results.c) keeps the clusters in its
 * clusters table and asks this module which one a case joins.
 *
 * Clustering of unknown cases (status "unknown": a signature, no passing
 * known issue).  A case joins the cluster of its exact signature hash if
 * there is one; else the cluster whose first case's top
 * CT_CLUSTER_FRAMES normalised signature frames are nearest, if the
 * distance is at most CT_CLUSTER_THRESHOLD; else it starts a new cluster.
 * Distance: Levenshtein distance between the two frame lists (a frame is
 * one symbol, equal when the names are equal) divided by the longer
 * list's length: 0 same frames, 1 nothing in common.  With five frames a
 * single frame inserted, removed or changed (0.2) joins; two (0.4) do
 * not.  Ties go to the oldest cluster.  Cases are clustered as they are
 * stored, in order, so results do not depend on later cases.
 */
#ifndef CT_ANALYZER_CLUSTER_H
#define CT_ANALYZER_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/crashtriage.h"

#define CT_CLUSTER_FRAMES 5
#define CT_CLUSTER_THRESHOLD 0.34

/* One cluster: its first case's signature. */
struct ct_cluster {
	int64_t id;		/* the store's id of the cluster */
	char hash[17];		/* signature hash of its first case */
	char **frames;		/* its top CT_CLUSTER_FRAMES frames */
	size_t frame_count;
};

/* The clusters known so far, oldest first.  Embedded: init with
 * CT_CLUSTERS_INIT, free with ct_clusters_deinit(). */
struct ct_clusters {
	struct ct_cluster *v;	/* in order of id */
	size_t count, cap;
};
#define CT_CLUSTERS_INIT { NULL, 0, 0 }

/* ct_clusters_deinit - free every cluster; k is empty again. */
void ct_clusters_deinit(struct ct_clusters *k);

/*
 * ct_clusters_add - append the cluster id of signature hash and frames
 * (the top frames, "\n"-separated, as the store keeps them; at most
 * CT_CLUSTER_FRAMES are kept).  Clusters must be added oldest first.
 * Return: NULL, or &ct_enomem (k unchanged).
 */
struct ct_error *ct_clusters_add(struct ct_clusters *k, int64_t id,
				 const char *hash, const char *frames);

/*
 * ct_clusters_find - the cluster a case of signature sig joins: true with
 * *ret_id set, or false when it starts a new one.
 */
bool ct_clusters_find(const struct ct_clusters *k,
		      const struct ct_signature *sig, int64_t *ret_id);

/* Normalised distance of two frame lists (see above), in [0, 1]. */
double ct_frames_distance(char *const *a, size_t na, char *const *b,
			  size_t nb);

#endif /* CT_ANALYZER_CLUSTER_H */
