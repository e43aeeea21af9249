/* SPDX-License-Identifier: MIT */
/*
 * mhd-lazy.h - libmicrohttpd, loaded when "serve" starts (mhd-lazy.c).
 * Linked at start, it brought GnuTLS and nine more libraries into every
 * command: starting crashtriage took 4.5 ms against 1.45 ms without
 * (bench/bench-startup.sh), and only serve needs them.  Include this
 * instead of <microhttpd.h> and call ct_mhd_load() before the first
 * MHD_*() call: the calls then go through the loaded library.
 */
#ifndef CT_SERVE_MHD_LAZY_H
#define CT_SERVE_MHD_LAZY_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <microhttpd.h>

#include "analyzer/crashtriage.h"

/* The libmicrohttpd functions serve calls. */
#define CT_MHD_FUNCTIONS(X)                                                  \
	X(MHD_start_daemon) X(MHD_stop_daemon) X(MHD_get_daemon_info)        \
	X(MHD_lookup_connection_value) X(MHD_add_response_header)            \
	X(MHD_create_response_from_buffer) X(MHD_queue_response)             \
	X(MHD_destroy_response) X(MHD_create_post_processor)                 \
	X(MHD_post_process) X(MHD_destroy_post_processor)                    \
	X(MHD_suspend_connection) X(MHD_resume_connection)

struct ct_mhd_api {
#define CT_MHD_POINTER(f) __typeof__(f) *f;
	CT_MHD_FUNCTIONS(CT_MHD_POINTER)
#undef CT_MHD_POINTER
};

/* Filled by ct_mhd_load(); read-only afterwards. */
extern struct ct_mhd_api ct_mhd_api;

/*
 * ct_mhd_load - load libmicrohttpd (its SONAME as configure found it)
 * and resolve every function above, once per process; thread-safe.
 * Return: NULL when MHD_*() may be called; CT_ERROR_UNSUPPORTED naming
 * the library when it cannot be loaded.
 */
struct ct_error *ct_mhd_load(void);

#ifndef CT_MHD_LAZY_IMPL
#define MHD_start_daemon ct_mhd_api.MHD_start_daemon
#define MHD_stop_daemon ct_mhd_api.MHD_stop_daemon
#define MHD_get_daemon_info ct_mhd_api.MHD_get_daemon_info
#define MHD_lookup_connection_value ct_mhd_api.MHD_lookup_connection_value
#define MHD_add_response_header ct_mhd_api.MHD_add_response_header
#define MHD_create_response_from_buffer \
	ct_mhd_api.MHD_create_response_from_buffer
#define MHD_queue_response ct_mhd_api.MHD_queue_response
#define MHD_destroy_response ct_mhd_api.MHD_destroy_response
#define MHD_create_post_processor ct_mhd_api.MHD_create_post_processor
#define MHD_post_process ct_mhd_api.MHD_post_process
#define MHD_destroy_post_processor ct_mhd_api.MHD_destroy_post_processor
#define MHD_suspend_connection ct_mhd_api.MHD_suspend_connection
#define MHD_resume_connection ct_mhd_api.MHD_resume_connection
#endif

#endif /* CT_SERVE_MHD_LAZY_H */
