/* SPDX-License-Identifier: MIT */
/*
 * test-report.c - Linux report types and the guilty frame (report.c, the
 * data in analyzer/data/report-types.txt and guilty-skip.txt).
 *
 * One report per type: the shape of the kernel's own message (as the
 * kernel source prints it, with made-up comms, addresses and call chains),
 * a Call Trace where the type has one, and the title a triager gives it.
 * Each case names a frame the skip list must pass over, so a deleted skip
 * entry or a broken pattern fails here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer/internal.h"
#include "analyzer/report.h"
#include "tests/unit/helpers.h"

struct report_case {
	const char *name;
	const char *text;
	const char *type;	/* report_type */
	const char *guilty;	/* NULL: the type names no frame */
	const char *kind;	/* panic.kind */
	bool corrupted;
};

#define TRACE(...) "Call Trace:\n" __VA_ARGS__

static const struct report_case cases[] = {
	{ "kasan-uaf-read",
	  "BUG: KASAN: use-after-free in memcpy+0x1d/0x50\n"
	  "Read of size 8 at addr ffff8880123 by task syz/123\n"
	  TRACE(" dump_stack+0x10/0x20\n print_report+0x1/0x2\n"
		" kasan_report+0x1/0x2\n memcpy+0x1d/0x50\n"
		" tcp_v4_rcv+0x10/0x100\n ip_local_deliver+0x1/0x2\n"),
	  "KASAN: use-after-free Read", "tcp_v4_rcv", "kasan", false },
	{ "kasan-oob-write",
	  "BUG: KASAN: slab-out-of-bounds in foo_fill+0x1/0x2 [foo]\n"
	  "Write of size 4 at addr ffff888 by task t/1\n"
	  TRACE(" kasan_report+0x1/0x2\n foo_fill+0x1/0x2 [foo]\n"
		" foo_ioctl+0x1/0x2 [foo]\n"),
	  "KASAN: slab-out-of-bounds Write", "foo_fill", "kasan", false },
	{ "kasan-double-free",
	  "BUG: KASAN: double-free or invalid-free in kfree+0x1/0x2\n"
	  TRACE(" kasan_report_invalid_free+0x1/0x2\n __kasan_slab_free+0x1/0x2\n"
		" kfree+0x1/0x2\n sel_tun_free+0x1/0x2\n tun_free+0x1/0x2\n"),
	  "KASAN: invalid-free", "sel_tun_free", "kasan", false },
	{ "kasan-null-ptr-deref",
	  "BUG: KASAN: null-ptr-deref in strscpy+0x1/0x2\n"
	  "Read of size 1 at addr 0000000000000000 by task v/2\n"
	  TRACE(" kasan_report+0x1/0x2\n read_word_at_a_time+0x1/0x2\n"
		" strscpy+0x1/0x2\n zr_querycap+0x1/0x2\n"),
	  "KASAN: null-ptr-deref Read", "zr_querycap", "kasan", false },
	{ "kasan-wild",
	  "BUG: KASAN: wild-memory-access in sg_read+0x1/0x2\n"
	  "Read of size 8 at addr dead0000000000 by task s/3\n"
	  TRACE(" kasan_check_read+0x1/0x2\n sg_read+0x1/0x2\n"),
	  "KASAN: wild-memory-access Read", "sg_read", "kasan", false },
	{ "kmsan",
	  "BUG: KMSAN: uninit-value in strstr+0xb8/0x2f0\n"
	  " strstr+0xb8/0x2f0\n tipc_reset_stats+0x3ea/0xb50\n"
	  " genl_rcv_msg+0x1/0x2\n",
	  "KMSAN: uninit-value", "tipc_reset_stats", "kasan", false },
	{ "kcsan",
	  "BUG: KCSAN: data-race in find_next_bit / rcu_report_exp\n"
	  "write to 0xffff by task 1 on cpu 0:\n rcu_report_exp+0x1/0x2\n",
	  "KCSAN: data-race", "find_next_bit", "kasan", false },
	{ "ubsan",
	  "UBSAN: Undefined behaviour in ./arch/x86/include/asm/atomic.h:156:2\n"
	  "signed integer overflow:\n"
	  TRACE(" dump_stack+0x1/0x2\n ubsan_epilogue+0x1/0x2\n"
		" handle_overflow+0x1/0x2\n __ubsan_handle_add_overflow+0x1/0x2\n"
		" ip_idents_reserve+0x1/0x2\n"),
	  "UBSAN: undefined-behaviour", "ip_idents_reserve", "warning", false },
	{ "ubsan-array-index",
	  "UBSAN: array-index-out-of-bounds in drivers/x/y.c:12:3\n"
	  TRACE(" __ubsan_handle_out_of_bounds+0x1/0x2\n xy_parse+0x1/0x2\n"),
	  "UBSAN: array-index-out-of-bounds", "xy_parse", "warning", false },
	{ "lockdep-circular",
	  "WARNING: possible circular locking dependency detected\n"
	  "syz/1 is trying to acquire lock:\n"
	  "ffff (rtnl_mutex){+.+.}-{3:3}, at: rtnl_lock+0x17/0x20\n"
	  "but task is already holding lock:\n"
	  TRACE(" print_circular_bug+0x1/0x2\n __lock_acquire+0x1/0x2\n"
		" lock_acquire+0x1/0x2\n rtnl_lock+0x17/0x20\n"),
	  "possible deadlock", "rtnl_lock", "warning", false },
	{ "lockdep-recursive-old-format",
	  "[ INFO: possible recursive locking detected ]\n"
	  "kworker/246 is trying to acquire lock:\n"
	  " (kacpid){+.+.+.}, at: [<ffffffff8105bbd0>] flush_workqueue+0x0/0xb0\n",
	  "possible deadlock", "flush_workqueue", "warning", false },
	{ "lockdep-at-skipped",
	  "WARNING: possible circular locking dependency detected\n"
	  "syz/1 is trying to acquire lock:\n"
	  "ffff (sk_lock-AF_INET){+.+.}, at: lock_sock_nested+0x1/0x2\n"
	  TRACE(" lock_acquire+0x1/0x2\n lock_sock_nested+0x1/0x2\n"
		" do_ip_setsockopt+0x1/0x2\n"),
	  "possible deadlock", "do_ip_setsockopt", "warning", false },
	{ "lockdep-inconsistent",
	  "WARNING: inconsistent lock state\n"
	  "inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage.\n"
	  "swapper/0 takes:\n"
	  "ffff (&hashinfo->lock){+.?.}, at: inet_ehash_insert+0x240/0xad0\n",
	  "inconsistent lock state", "inet_ehash_insert", "warning", false },
	{ "lockdep-bad-unlock",
	  "WARNING: bad unlock balance detected!\n"
	  "syz/2 is trying to release lock (sk_lock) at:\n"
	  "[<ffffffff83a6a370>] sctp_sendmsg+0x240/0xad0\n",
	  "WARNING: bad unlock balance", "sctp_sendmsg", "warning", false },
	{ "lockdep-held-lock-freed",
	  "=========================\n[ BUG: held lock freed! ]\n"
	  "syz/3 is freeing memory, with a lock still held there!\n"
	  " (sk_lock-AF_INET6){+.+.+.}, at: [<ffffffff8362c6d1>] sctp_sendmsg+0x1/0x2\n",
	  "BUG: held lock freed", "sctp_sendmsg", "warning", false },
	{ "lockdep-return-to-user",
	  "WARNING: lock held when returning to user space!\n"
	  "1 lock held by syz/4:\n"
	  " #0: 00000000a3b01fa0 (&fi->mutex){+.+.}, at: fuse_lock_inode+0xaf/0xe0\n",
	  "WARNING: lock held when returning to user space", "fuse_lock_inode",
	  "warning", false },
	{ "lockdep-suspicious-rcu",
	  "WARNING: suspicious RCU usage\n"
	  "net/rds/loop.c:12 suspicious rcu_dereference_check() usage!\n"
	  TRACE(" dump_stack+0x1/0x2\n lockdep_rcu_suspicious+0x1/0x2\n"
		" ___might_sleep+0x1/0x2\n __might_sleep+0x1/0x2\n"
		" kmem_cache_alloc_trace+0x1/0x2\n rds_loop_conn_alloc+0x1/0x2\n"),
	  "WARNING: suspicious RCU usage", "rds_loop_conn_alloc", "warning",
	  false },
	{ "hung-task-mutex",
	  "INFO: task syz-executor:1234 blocked for more than 143 seconds.\n"
	  "      Not tainted 6.1.0 #1\n"
	  TRACE(" <TASK>\n __schedule+0x1/0x2\n schedule+0x1/0x2\n"
		" schedule_preempt_disabled+0x1/0x2\n __mutex_lock+0x1/0x2\n"
		" blkdev_put+0x1/0x2\n blkdev_close+0x1/0x2\n __fput+0x1/0x2\n"),
	  "INFO: task hung", "blkdev_put", "hung-task", false },
	{ "hung-task-rcu-bucket",
	  "INFO: task kworker/0:1:12 blocked for more than 120 seconds.\n"
	  TRACE(" __schedule+0x1/0x2\n schedule+0x1/0x2\n"
		" synchronize_rcu_expedited+0x1/0x2\n synchronize_net+0x1/0x2\n"
		" packet_bind+0x1/0x2\n"),
	  "INFO: task hung", "synchronize_rcu", "hung-task", false },
	{ "soft-lockup",
	  "watchdog: BUG: soft lockup - CPU#3 stuck for 23s! [kworker/3:1:123]\n"
	  "RIP: 0010:foo_poll_hw+0x22/0x60 [foo]\n"
	  TRACE(" foo_reset_work+0x8a/0x110 [foo]\n process_one_work+0x1/0x2\n"
		" worker_thread+0x1/0x2\n"),
	  "BUG: soft lockup", "foo_reset_work", "lockup", false },
	{ "soft-lockup-ipi",
	  "BUG: soft lockup - CPU#1 stuck for 22s! [syz:16813]\n"
	  "RIP: 0010:smp_call_function_single+0x1/0x2\n"
	  TRACE(" smp_call_function_many+0x1/0x2\n on_each_cpu+0x1/0x2\n"
		" text_poke_bp+0x1/0x2\n"),
	  "BUG: soft lockup", "smp_call_function", "lockup", false },
	{ "hard-lockup",
	  "NMI watchdog: Watchdog detected hard LOCKUP on cpu 5\n"
	  "RIP: 0010:native_queued_spin_lock_slowpath+0x1/0x2\n"
	  TRACE(" _raw_spin_lock+0x1/0x2\n bar_timer_fn+0x1/0x2 [bar]\n"
		" call_timer_fn+0x1/0x2\n"),
	  "BUG: hard lockup", "bar_timer_fn", "lockup", false },
	{ "rcu-stall-syscall",
	  "INFO: rcu_sched self-detected stall on CPU\n"
	  TRACE(" <IRQ>\n rcu_dump_cpu_stacks+0x1/0x2\n update_process_times+0x1/0x2\n"
		" smp_apic_timer_interrupt+0x1/0x2\n apic_timer_interrupt+0x1/0x2\n"
		" </IRQ>\n d_walk+0x1/0x2\n shrink_dcache_parent+0x1/0x2\n"
		" do_rmdir+0x1/0x2\n SyS_rmdir+0x1/0x2\n"
		" entry_SYSCALL_64_fastpath+0x1/0x2\n"),
	  "INFO: rcu detected stall", "rmdir", "lockup", false },
	{ "rcu-stall-ioctl",
	  "rcu: INFO: rcu_preempt self-detected stall on CPU\n"
	  TRACE(" <IRQ>\n rcu_sched_clock_irq+0x1/0x2\n"
		" sysvec_apic_timer_interrupt+0x1/0x2\n </IRQ>\n <TASK>\n"
		" asm_sysvec_apic_timer_interrupt+0x1/0x2\n"
		" kvm_mmu_page_fault+0x1/0x2\n kvm_vcpu_ioctl+0x1/0x2\n"
		" do_vfs_ioctl+0x1/0x2\n __x64_sys_ioctl+0x1/0x2\n"),
	  "INFO: rcu detected stall", "kvm_vcpu_ioctl", "lockup", false },
	{ "sleeping-in-atomic",
	  "BUG: sleeping function called from invalid context at kernel/locking/mutex.c:908\n"
	  TRACE(" dump_stack+0x1/0x2\n ___might_sleep+0x1/0x2\n"
		" __mutex_lock+0x1/0x2\n line6_pcm_acquire+0x1/0x2\n"),
	  "BUG: sleeping function called from invalid context",
	  "line6_pcm_acquire", "bug", false },
	{ "scheduling-while-atomic",
	  "BUG: scheduling while atomic: syz/19425/0x00000000\n"
	  TRACE(" dump_stack+0x1/0x2\n __schedule_bug+0x1/0x2\n"
		" __schedule+0x1/0x2\n schedule+0x1/0x2\n SyS_pause+0x1/0x2\n"),
	  "BUG: scheduling while atomic", "pause", "bug", false },
	{ "preemptible",
	  "BUG: using __this_cpu_read() in preemptible [00000000] code: syz/6976\n"
	  TRACE(" check_preemption_disabled+0x1/0x2\n"
		" __this_cpu_preempt_check+0x1/0x2\n ipcomp_init_state+0x1/0x2\n"),
	  "BUG: using __this_cpu_read() in preemptible code",
	  "ipcomp_init_state", "bug", false },
	{ "kernel-bug",
	  "kernel BUG at net/core/skbuff.c:105!\n"
	  "invalid opcode: 0000 [#1] SMP KASAN\n"
	  "RIP: 0010:skb_panic+0x1/0x2\n"
	  TRACE(" skb_put+0x1/0x2\n sctp_packet_transmit+0x1/0x2\n"),
	  "kernel BUG", "sctp_packet_transmit", "oops", false },
	{ "list-corruption",
	  "list_del corruption. prev->next should be ffff, but was ffff\n"
	  "kernel BUG at lib/list_debug.c:53!\n"
	  "RIP: 0010:__list_del_entry_valid+0x1/0x2\n"
	  TRACE(" tipc_nametbl_unsubscribe+0x1/0x2\n tipc_subscrb_delete+0x1/0x2\n"),
	  "BUG: corrupted list", "tipc_nametbl_unsubscribe", "oops", false },
	{ "warning",
	  "------------[ cut here ]------------\n"
	  "WARNING: CPU: 0 PID: 1 at drivers/iommu/iommu.c:449 __iommu_probe+0x1/0x2\n"
	  "RIP: 0010:__iommu_probe+0x1/0x2\n"
	  TRACE(" probe_iommu_group+0x1/0x2\n"),
	  "WARNING", "__iommu_probe", "warning", false },
	{ "warning-old-form",
	  "WARNING: at net/sched/sch_generic.c:261 dev_watchdog+0x1/0x2()\n"
	  TRACE(" [<ffffffff8106e2e7>] warn_slowpath_common+0x87/0xc0\n"
		" [<ffffffff8106e3d6>] warn_slowpath_fmt+0x46/0x50\n"
		" [<ffffffff814d0a4d>] dev_watchdog+0x1/0x2\n"
		" [<ffffffff8107f5a7>] call_timer_fn+0x1/0x2\n"),
	  "WARNING", "dev_watchdog", "warning", false },
	{ "warning-cut-short",
	  "WARNING: CPU: 3 PID: 23810 at net/netlink/genetlink.c:1037 genl_unbind+0x110/0x130()\n",
	  "WARNING", "genl_unbind", "warning", true },
	{ "refcount",
	  "refcount_t: underflow; use-after-free.\n"
	  "WARNING: CPU: 1 PID: 46 at lib/refcount.c:28 refcount_warn_saturate+0x1/0x2\n"
	  "RIP: 0010:refcount_warn_saturate+0x1/0x2\n"
	  TRACE(" kobject_put+0x1/0x2\n put_device+0x1/0x2\n hdm_disconnect+0x1/0x2\n"),
	  "WARNING: refcount bug", "hdm_disconnect", "warning", false },
	{ "debugobjects",
	  "ODEBUG: free active (active state 0) object type: timer_list hint: x+0x0/0x1\n"
	  "WARNING: CPU: 0 PID: 1 at lib/debugobjects.c:505 debug_print_object+0x1/0x2\n"
	  "RIP: 0010:debug_print_object+0x1/0x2\n"
	  TRACE(" debug_check_no_obj_freed+0x1/0x2\n kfree+0x1/0x2\n"
		" netdev_freemem+0x1/0x2\n"),
	  "WARNING: ODEBUG bug", "netdev_freemem", "warning", false },
	{ "gpf",
	  "general protection fault, probably for non-canonical address 0xdffffc: 0000 [#1] PREEMPT SMP KASAN\n"
	  "RIP: 0010:__x86_indirect_thunk_rax+0x1/0x2\n"
	  TRACE(" run_timer_softirq+0x1/0x2\n __do_softirq+0x1/0x2\n"),
	  "general protection fault", "run_timer_softirq", "oops", false },
	{ "null-deref",
	  "BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
	  "#PF: supervisor read access in kernel mode\n"
	  "Oops: 0000 [#1] SMP NOPTI\n"
	  "RIP: 0010:skb_release_data+0x1/0x2\n"
	  TRACE(" consume_skb+0x1/0x2\n"),
	  "BUG: unable to handle kernel NULL pointer dereference",
	  "skb_release_data", "oops", false },
	{ "null-deref-i386-old",	/* the machinery below frame 0 */
	  "Unable to handle kernel NULL pointer dereference at virtual address 00000000\n"
	  "EIP:    0060:[<c0562cf4>]    Not tainted VLI\n"
	  "EIP is at oprof_read+0x24/0x50\n"
	  TRACE(" [<c0103f4f>] show_stack+0x7f/0xa0\n"
		" [<c01042f1>] die+0x101/0x190\n"
		" [<c0116d6c>] do_page_fault+0x30c/0x5f0\n"
		" [<c0103b2f>] error_code+0x4f/0x54\n"
		" [<c0160c37>] vfs_read+0xb7/0x160\n"
		" [<c01610b9>] sys_read+0x49/0x80\n"),
	  "BUG: unable to handle kernel NULL pointer dereference",
	  "oprof_read", "oops", false },
	{ "paging-request",
	  "BUG: unable to handle page fault for address: ffffc9001652fa68\n"
	  "RIP: 0010:memcmp+0x1/0x2\n"
	  TRACE(" ipcget+0x1/0x2\n"),
	  "BUG: unable to handle kernel paging request", "ipcget", "oops",
	  false },
	{ "divide-error",
	  "divide error: 0000 [#1] SMP DEBUG_PAGEALLOC KASAN\n"
	  "RIP: 0010:snd_hrtimer_callback+0x1/0x2\n"
	  TRACE(" __hrtimer_run_queues+0x1/0x2\n"),
	  "divide error", "snd_hrtimer_callback", "oops", false },
	{ "invalid-opcode",
	  "invalid opcode: 0000 [#1] SMP\n"
	  "RIP: 0010:foo_bad+0x1/0x2 [foo]\n"
	  TRACE(" foo_caller+0x1/0x2 [foo]\n"),
	  "invalid opcode", "foo_bad", "oops", false },
	{ "stack-protector",
	  "Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: br_dev_xmit+0x1/0x2\n"
	  TRACE(" dump_stack+0x1/0x2\n panic+0x1/0x2\n __stack_chk_fail+0x1/0x2\n"
		" br_dev_xmit+0x1/0x2\n"),
	  "kernel panic: stack is corrupted", "br_dev_xmit", "panic", false },
	{ "stack-overflow",
	  "BUG: TASK stack guard page was hit at ffffc9000e4aff58 (stack is ffffc9000e4b0000..ffffc9000e4b8000)\n"
	  "kernel stack overflow (double-fault): 0000 [#1] PREEMPT SMP KASAN\n"
	  "RIP: 0010:recurse_me+0x1/0x2\n"
	  TRACE(" recurse_me+0x1/0x2\n"),
	  "BUG: stack guard page was hit", "recurse_me", "oops", false },
	{ "oom",
	  "stress invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0\n"
	  TRACE(" dump_stack_lvl+0x1/0x2\n dump_header+0x1/0x2\n"
		" oom_kill_process+0x1/0x2\n out_of_memory+0x1/0x2\n"
		" __alloc_pages_slowpath.constprop.0+0x1/0x2\n"
		" __alloc_pages+0x1/0x2\n leaky_alloc+0x1/0x2 [leaky]\n"),
	  "OOM kill", "leaky_alloc", "bug", false },
	{ "panic-reason",
	  "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000013\n"
	  TRACE(" dump_stack+0x1/0x2\n panic+0x1/0x2\n do_exit+0x1/0x2\n"),
	  "kernel panic: Attempted to kill init!", NULL, "panic", false },
	{ "panic-consequence-alone",
	  "Kernel panic - not syncing: panic_on_warn set ...\n"
	  TRACE(" dump_stack+0x1/0x2\n panic+0x1/0x2\n"),
	  "kernel panic: panic_on_warn set", NULL, "panic", true },
	{ "zfs-verify",
	  "VERIFY3(sa.sa_magic == SA_MAGIC) failed (8 == 3100762)\n"
	  "PANIC at zfs_quota.c:89:zpl_get_file_info()\n"
	  "Showing stack for process 2911\n"
	  TRACE(" dump_stack+0x1/0x2\n spl_dumpstack+0x1/0x2 [spl]\n"
		" spl_panic+0x1/0x2 [spl]\n zpl_get_file_info+0x1/0x2 [zfs]\n"),
	  "SPL: VERIFY failed", "zpl_get_file_info", "panic", false },
	{ "memory-leak",
	  "BUG: memory leak\n"
	  "unreferenced object 0xffff880039a55260 (size 64):\n"
	  "  backtrace:\n"
	  "    [<ffffffff848a2f5f>] kmemleak_alloc+0x1/0x2\n"
	  "    [<ffffffff848a2f5f>] sock_kmalloc+0x7f/0xc0\n"
	  "    [<ffffffff84e5bea0>] do_ipv6_setsockopt.isra.7+0x15d0/0x2830\n",
	  "memory leak", "do_ipv6_setsockopt", "bug", false },
	{ "warning-in-kept-callee",
	  "WARNING: CPU: 0 PID: 7 at drivers/usb/core/urb.c:478 usb_submit_urb+0x1188/0x13b0\n"
	  TRACE(" usb_submit_urb+0x1188/0x13b0\n usb_start_wait_urb+0x1/0x2\n"
		" usb_bulk_msg+0x1/0x2\n shark_write_val+0x1/0x2\n"),
	  "WARNING", "shark_write_val/usb_submit_urb", "warning", false },
	{ "lockdep-site-in-machinery-chain-names-it",
	  "WARNING: possible circular locking dependency detected\n"
	  "kworker/u8:2/43 is trying to acquire lock:\n"
	  "ffffc9000027fdf0 ((work_completion)(&w)){+.+.}, at: process_one_work+0x8c0/0x17b0\n"
	  "\nthe existing dependency chain (in reverse order) is:\n"
	  "\n-> #2 ((wq_completion)wg-kex){+.+.}:\n"
	  "       lock_acquire+0x1/0x2\n"
	  "       peer_remove_after_dead+0x16a/0x230\n"
	  "       wg_peer_remove+0x23f/0x340\n"
	  "\nstack backtrace:\n"
	  TRACE(" dump_stack+0x1/0x2\n check_noncircular+0x1/0x2\n"
		" lock_acquire+0x1/0x2\n process_one_work+0x1/0x2\n"
		" worker_thread+0x1/0x2\n kthread+0x1/0x2\n"),
	  "possible deadlock", "peer_remove_after_dead", "warning", false },
	{ "only-machinery-then-syscall",
	  "WARNING: suspicious RCU usage\n"
	  "kernel/sched/core.c:7264 Illegal context switch in RCU-bh read-side critical section!\n"
	  "stack backtrace:\n"
	  "CPU: 0 PID: 4410 Comm: syz-fuzzer Not tainted 5.9.0 #15\n"
	  "Hardware name: linux,dummy-virt (DT)\n"
	  "Call trace:\n dump_backtrace+0x0/0x4d0\n show_stack+0x2c/0x80\n"
	  " dump_stack+0x1b0/0x254\n lockdep_rcu_suspicious+0x1/0x2\n"
	  " ___might_sleep+0x1/0x2\n __might_fault+0x1/0x2\n"
	  " __arm64_sys_rt_sigreturn+0x278/0x1990\n el0_svc_common.constprop.0+0x1/0x2\n",
	  "WARNING: suspicious RCU usage", "sys_rt_sigreturn", "warning", false },
	{ "reboot",
	  "[  500.720639] EFER = 0x0000000000000d01  PAT = 0x0407050600070106\n"
	  "SeaBIOS (version 1.8.2-20181014_101610-google)\n"
	  "Booting from Hard Disk 0...\n"
	  "[    0.000000] Linux version 4.20.0-rc3+\n",
	  "unexpected kernel reboot", NULL, "reboot", false },
	{ "trusty-assert",
	  "[ 1117.129650] trusty: panic (caller 0xffffffffe000fbb8): ASSERT FAILED at (trusty/kernel/lib/trusty/ipc.c:472): !list_in_list(&chan->node)\n"
	  "[ 1117.186349] WARNING: CPU: 0 PID: 4 at drivers/trusty/trusty.c:215 trusty_std_call32+0x220/0x240\n"
	  TRACE(" trusty_std_call32+0x220/0x240\n"),
	  "trusty: ASSERT FAILED: !list_in_list(&chan->node)", NULL, "panic",
	  false },
	{ "syzfail",
	  "executor 5: exit status 67\nSYZFAIL: negative running\n",
	  "SYZFAIL: negative running", NULL, "bug", false },
	{ "go-runtime-error",
	  "fatal error: out of memory\n\ngoroutine 1 [running]:\n"
	  "runtime.throw({0x4772bc?, 0x20000?})\n",
	  "go runtime error", NULL, "bug", false },
	/* a report whose lines are mixed with another's is flagged */
	{ "interleaved-late-line",
	  "[  277.78] INFO: rcu_sched self-detected stall on CPU\n"
	  "[  277.78] Call Trace:\n"
	  "[  277.78]  debug_lockdep_rcu_enabled+0x77/0x90\n"
	  "[  292.74] sctp: [Deprecated]: syz-executor0 (pid 22154) Use of int\n"
	  "[  277.78]  __sctp_write_space+0x5b6/0x920\n"
	  "[  277.78]  sctp_sendmsg+0x1/0x2\n",
	  "INFO: rcu detected stall", "__sctp_write_space", "lockup", true },
	{ "interleaved-in-order-line",
	  "[  277.78] WARNING: CPU: 0 PID: 7 at net/x.c:1 foo_warn+0x1/0x2\n"
	  "[  277.78] CPU: 0 PID: 7 Comm: t Not tainted 6.1.0 #1\n"
	  "[  277.78] Call Trace:\n"
	  "[  277.78]  dump_stack+0x1/0x2\n"
	  "[  277.78] audit: type=1400 audit(1.2:3): avc: denied { map }\n"
	  "[  277.78]  foo_warn+0x1/0x2\n"
	  "[  277.78]  foo_ioctl+0x1/0x2\n",
	  "WARNING", "foo_warn", "warning", false },
	{ "trace-of-another-task",
	  "CPU: 1 PID: 17814 Comm: syz-executor3 Not tainted 4.16.0+ #11\n"
	  "Hardware name: Google Google Compute Engine\n"
	  "WARNING: CPU: 0 PID: 17813 at mm/slab_common.c:1012 kmalloc_slab+0x5d/0x70\n"
	  "Kernel panic - not syncing: panic_on_warn set ...\n"
	  TRACE(" dump_stack+0x1/0x2\n should_fail+0x1/0x2\n"
		" should_failslab+0x1/0x2\n kmem_cache_alloc+0x1/0x2\n"
		" get_empty_filp+0x1/0x2\n"),
	  "WARNING: kmalloc bug", "get_empty_filp", "warning", true },
	/* the trace under a report's headline is another report's, whose
	 * own headline starts it (syzkaller's corpus, file 201) */
	{ "gpf-trace-is-another-reports",
	  "[   32.59] general protection fault: 0000 [#1] PREEMPT SMP KASAN\n"
	  "[   32.59] Dumping ftrace buffer:\n"
	  "[   32.60]    (ftrace buffer empty)\n"
	  "[   32.60] BUG: using __this_cpu_read() in preemptible [00000000] code: syz-executor4/6343\n"
	  "[   32.60] caller is __this_cpu_preempt_check+0x1c/0x20\n"
	  "[   32.60] CPU: 1 PID: 6343 Comm: syz-executor4 Not tainted 4.9.80 #37\n"
	  "[   32.60] Call Trace:\n"
	  "[   32.60]  [<ffffffff81d94b69>] dump_stack+0xc1/0x128\n"
	  "[   32.60]  [<ffffffff81dfc144>] check_preemption_disabled+0x1d4/0x200\n"
	  "[   32.60]  [<ffffffff81dfc1ac>] __this_cpu_preempt_check+0x1c/0x20\n"
	  "[   32.60]  [<ffffffff833fcdd8>] ipcomp_init_state+0x188/0x930\n"
	  "[   32.60]  [<ffffffff83512ee5>] ipcomp6_init_state+0xb5/0x820\n",
	  "general protection fault", "ipcomp_init_state", "oops", true },
	/* ... but a headline of the same kind goes on the same report */
	{ "arm-unhandled-fault-then-internal-error",
	  "Unhandled fault: page domain fault (0x81b) at 0x00001044\n"
	  "pgd = 74561366\n"
	  "[00001044] *pgd=8f35a835, *pte=00000000, *ppte=00000000\n"
	  "Internal error: : 81b [#1] SMP ARM\n"
	  "Modules linked in:\n"
	  "CPU: 0 PID: 8152 Comm: syz-executor1 Not tainted 4.17.0-rc3+ #2\n"
	  "PC is at n_tty_set_termios+0x1c/0x2f8\n"
	  "LR is at tty_set_termios+0x1/0x2\n"
	  "Backtrace:\n"
	  "[<c04f1a1c>] (n_tty_set_termios) from [<c04f7b6c>] (tty_set_termios+0x1/0x2)\n"
	  "[<c04f7b6c>] (tty_set_termios) from [<c04f8000>] (set_termios+0x1/0x2)\n",
	  "Unhandled fault", "n_tty_set_termios", "oops", false },
	{ "hung-task-in-another-dump",
	  "CPU: 1 PID: 20679 Comm: syz-executor1 Not tainted 4.16.0+ #288\n"
	  "INFO: task kworker/0:3:7985 blocked for more than 120 seconds.\n"
	  "Hardware name: Google Google Compute Engine\n"
	  TRACE(" dump_stack+0x1/0x2\n should_fail+0x1/0x2\n"
		" sock_wmalloc+0x1/0x2\n udp_sendmsg+0x1/0x2\n"),
	  "INFO: task hung", "sock_wmalloc", "hung-task", true },
	{ "empty-call-trace",
	  "WARNING: CPU: 0 PID: 1 at arch/x86/kernel/irq_64.c:61 handle_irq+0x2cb/0x3d8\n"
	  "CPU: 0 PID: 1 Comm: t Not tainted 4.20.0+ #6\n"
	  "Call Trace:\n"
	  "Kernel Offset: disabled\n",
	  "WARNING", "handle_irq", "warning", true },
	{ "bad-page-map-cut",
	  "BUG: Bad page map in process t  pte:ffff8801a700ff00 pmd:1a700f067\n"
	  "addr:00000000009ca000 vm_flags:00100073 anon_vma:ffff8801d16f20e0\n",
	  "BUG: Bad page map", NULL, "bug", true },
};

/* Every case is checked and every mismatch printed before failing. */
static void test_every_type(void **state)
{
	(void)state;
	size_t bad = 0;
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		const struct report_case *rc = &cases[i];
		struct ct_case *c = analyze_named(rc->name, rc->text);
		const char *type = c->panic.report_type;
		const char *guilty = c->signature.guilty;
		bool same = type && strcmp(type, rc->type) == 0 &&
			    ((!guilty && !rc->guilty) ||
			     (guilty && rc->guilty &&
			      strcmp(guilty, rc->guilty) == 0)) &&
			    c->panic.kind && strcmp(c->panic.kind, rc->kind) == 0 &&
			    c->panic.corrupted == rc->corrupted;
		if (!same) {
			print_error("%s: got type '%s' guilty '%s' kind '%s' "
				    "corrupted %d, want '%s' '%s' '%s' %d\n",
				    rc->name, type ? type : "(null)",
				    guilty ? guilty : "(null)",
				    c->panic.kind ? c->panic.kind : "(null)",
				    c->panic.corrupted, rc->type,
				    rc->guilty ? rc->guilty : "(null)", rc->kind,
				    rc->corrupted);
			ct_case_destroy(c);
			bad++;
			continue;
		}
		/* a report with a trace has it marked crashing, whatever
		 * its type names */
		if (strstr(rc->text, "Call Trace:") && !crashing(c)) {
			print_error("%s: no crashing backtrace\n", rc->name);
			bad++;
		}
		/* the title is "TYPE in GUILTY" */
		char want[512];
		if (rc->guilty)
			snprintf(want, sizeof(want), "%s in %s", rc->type,
				 rc->guilty);
		else
			snprintf(want, sizeof(want), "%s", rc->type);
		if (strcmp(c->signature.title, want) != 0) {
			print_error("%s: title '%s', want '%s'\n", rc->name,
				    c->signature.title, want);
			bad++;
		}
		ct_case_destroy(c);
	}
	print_message("%zu report types checked, %zu wrong\n",
		      CT_ARRAY_SIZE(cases), bad);
	assert_int_equal(bad, 0);
}

/* A long log with an earlier harmless WARNING: the later oops is the
 * crash, and the WARNING's frames stay a backtrace of their own. */
static void test_warning_yields_to_oops(void **state)
{
	(void)state;
	const char *text =
		"WARNING: CPU: 0 PID: 1 at drivers/x.c:1 harmless+0x1/0x2\n"
		"RIP: 0010:harmless+0x1/0x2\n"
		TRACE(" harmless_caller+0x1/0x2\n")
		"---[ end trace 0000000000000000 ]---\n"
		"BUG: kernel NULL pointer dereference, address: 0000000000000010\n"
		"RIP: 0010:bad_deref+0x1/0x2 [bad]\n"
		TRACE(" bad_caller+0x1/0x2 [bad]\n");
	struct ct_case *c = analyze_named("w.log", text);
	assert_string_equal(c->signature.guilty, "bad_deref");
	const struct ct_backtrace *bt = crashing(c);
	assert_non_null(bt);
	assert_string_equal(bt->frames[0].function, "bad_deref");
	ct_case_destroy(c);
}

/* Coarser titles: without the access, then the kind alone. */
static void test_alt_titles(void **state)
{
	(void)state;
	const char *text = cases[0].text;	/* KASAN use-after-free Read */
	struct ct_case *c = analyze_named("k.log", text);
	assert_int_equal(c->signature.alt_title_count, 2);
	assert_string_equal(c->signature.alt_titles[0],
			    "KASAN: use-after-free in tcp_v4_rcv");
	assert_string_equal(c->signature.alt_titles[1], "kasan in tcp_v4_rcv");
	ct_case_destroy(c);
}

/* The signature starts at the frame the rules chose, also when they
 * named it otherwise (a syscall wrapper by its syscall): not at another
 * frame whose name holds the same word. */
static void test_signature_starts_at_guilty_frame(void **state)
{
	(void)state;
	const char *text =
		"INFO: rcu_sched self-detected stall on CPU\n"
		TRACE(" <IRQ>\n apic_timer_interrupt+0x1/0x2\n </IRQ>\n"
		      " path_mount+0x1/0x2\n do_mount+0x1/0x2\n"
		      " __x64_sys_mount+0x1/0x2\n do_syscall_64+0x1/0x2\n");
	struct ct_case *c = analyze_named("m.log", text);
	assert_string_equal(c->signature.guilty, "sys_mount");
	assert_int_equal(c->signature.frame_count, 1);
	assert_string_equal(c->signature.frames[0], "sys_mount");
	assert_true(crashing(c)->frames[1].skipped);	/* path_mount */
	ct_case_destroy(c);
}

/* The skip list answers with its reason, per family and class. */
static void test_skip_reasons(void **state)
{
	(void)state;
	assert_non_null(ct_guilty_skip_reason("memcpy", "linux", ""));
	assert_non_null(ct_guilty_skip_reason("kasan_report", "linux", ""));
	assert_non_null(ct_guilty_skip_reason("_raw_spin_lock_irqsave",
					      "linux", ""));
	assert_null(ct_guilty_skip_reason("tcp_v4_rcv", "linux", ""));
	/* classes: the scheduler is skipped for hangs only */
	assert_null(ct_guilty_skip_reason("schedule_timeout", "linux", ""));
	assert_non_null(ct_guilty_skip_reason("schedule_timeout", "linux",
					      "hang"));
	/* families: a Linux-only name is no ESXi skip; user space has
	 * its own C library and GLib helpers */
	assert_null(ct_guilty_skip_reason("kasan_report", "esxi", ""));
	assert_non_null(ct_guilty_skip_reason("memscan", "esxi", ""));
	assert_non_null(ct_guilty_skip_reason("__memmove_avx_unaligned_erms",
					      "user", ""));
	assert_non_null(ct_guilty_skip_reason("g_strdup", "user", ""));
	assert_null(ct_guilty_skip_reason("schedule_timeout", "user", "hang"));
	/* globs: prefix, suffix, substring */
	assert_non_null(ct_guilty_skip_reason("__kasan_slab_free", "linux", ""));
	assert_non_null(ct_guilty_skip_reason("work_is_static_object",
					      "linux", ""));
	assert_non_null(ct_guilty_skip_reason("tty_ldisc_lock_pair_timeout",
					      "linux", "hang"));
}

/* Sniffing by headline: a headline starts its message, behind quote
 * marks, a timestamp, lockdep's "[ ", a severity or a subsystem tag. */
static void test_headline_sniff(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		bool headline;
	} lines[] = {
		{ "[ INFO: possible circular locking dependency detected ]", true },
		{ ">> [    8.1] Unable to handle kernel NULL pointer dereference at virtual address 4", true },
		{ "host [6437762.553311] BUG: unable to handle kernel NULL pointer dereference at (null)", true },
		{ "watchdog: BUG: soft lockup - CPU#19 stuck for 22s! [jbd2:1002]", true },
		{ "stress invoked oom-killer: gfp_mask=0x140cca, order=0", true },
		{ "VERIFY3(sa.sa_magic == SA_MAGIC) failed (8 == 3100762)", true },
		{ "panic: VERIFY3(zio->io_error == ENXIO) failed (0 == 6)", false },
		{ "the BUG: unable to handle kernel paging request is gone", false },
		{ "usb 1-1: new high-speed USB device using xhci_hcd", false },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(lines); i++) {
		bool got = ct_linux_report_headline(lines[i].line,
						    strlen(lines[i].line));
		if (got != lines[i].headline) {
			print_error("'%s': %d\n", lines[i].line, got);
			fail();
		}
	}
}

/* No crash, no report: a log of boot noise that mentions the words. */
static void test_quiet(void **state)
{
	(void)state;
	const char *text =
		"[    0.000000] Linux version 6.1.0-18-amd64\n"
		"[    1.234567] traps: a.out[123] general protection fault ip:7f sp:7ff error:0 in libc.so.6\n"
		"[    2.000000] WARNING: Spectre v2 mitigation leaves CPU vulnerable\n"
		"[    3.000000] usb 1-1: device descriptor read/64, error -71\n";
	struct ct_case *c = analyze_named("q.log", text);
	assert_null(c->signature.title);
	assert_null(c->panic.report_type);
	ct_case_destroy(c);
	/* a boot banner that starts a console log, and a compiler's
	 * "fatal error:" without a goroutine after it, are no reports */
	text = "SeaBIOS (version 1.16.2-debian-1.16.2-1)\n"
	       "Booting from Hard Disk...\n"
	       "[    0.000000] Linux version 6.1.0-18-amd64\n"
	       "fatal error: openssl/ssl.h: No such file or directory\n";
	c = analyze_named("boot.log", text);
	assert_null(c->signature.title);
	assert_null(c->panic.report_type);
	ct_case_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type),
		cmocka_unit_test(test_warning_yields_to_oops),
		cmocka_unit_test(test_alt_titles),
		cmocka_unit_test(test_signature_starts_at_guilty_frame),
		cmocka_unit_test(test_skip_reasons),
		cmocka_unit_test(test_headline_sniff),
		cmocka_unit_test(test_quiet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
