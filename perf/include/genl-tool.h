/*
 * What the C tools in perf/ share: a clock in seconds and generic netlink
 * family resolution (libnl-genl-3, as vtep-kdp itself resolves families).
 */
#ifndef PERF_GENL_TOOL_H
#define PERF_GENL_TOOL_H

#include <time.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

/* CLOCK_MONOTONIC to time a stretch of work, CLOCK_REALTIME to compare
 * with another process's time.time(). */
static double seconds_on(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int resolve_family(const char *name) {
    struct nl_sock *sk = nl_socket_alloc();
    if (!sk || genl_connect(sk) < 0) return -1;
    int id = genl_ctrl_resolve(sk, name);
    nl_socket_free(sk);
    return id;
}

#endif
