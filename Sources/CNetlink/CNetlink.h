// C side of vtep-kdp's netlink layer: libmnl for sockets, libnl-genl-3 for
// generic netlink family/group resolution, the uapi headers for constants, and
// static-inline shims for macros Swift cannot import. Every shim carries the
// `cnetlink_` prefix.
#ifndef CNETLINK_H
#define CNETLINK_H

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>

#include <libmnl/libmnl.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <netlink/errno.h>

#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/openvswitch.h>

_Static_assert(sizeof(struct nlmsghdr) == 16, "nlmsghdr layout");
_Static_assert(sizeof(struct genlmsghdr) == 4, "genlmsghdr layout");
_Static_assert(sizeof(struct ovs_header) == 4, "ovs_header layout");
_Static_assert(sizeof(struct ifinfomsg) == 16, "ifinfomsg layout");
_Static_assert(sizeof(struct nlmsgerr) == 20, "nlmsgerr layout");
_Static_assert(sizeof(struct ovs_dp_stats) == 32, "ovs_dp_stats layout");
_Static_assert(sizeof(struct ovs_dp_megaflow_stats) == 32, "ovs_dp_megaflow_stats layout");
_Static_assert(sizeof(struct ovs_vport_stats) == 64, "ovs_vport_stats layout");

static inline unsigned int cnetlink_nlmsg_hdrlen(void) { return NLMSG_HDRLEN; }
static inline unsigned int cnetlink_genl_hdrlen(void) { return GENL_HDRLEN; }
static inline unsigned int cnetlink_nla_hdrlen(void) { return NLA_HDRLEN; }
static inline unsigned int cnetlink_nla_align(unsigned int len) { return NLA_ALIGN(len); }
static inline unsigned int cnetlink_nlmsg_align(unsigned int len) { return NLMSG_ALIGN(len); }
static inline size_t cnetlink_mnl_socket_buffer_size(void) { return MNL_SOCKET_BUFFER_SIZE; }
static inline int cnetlink_errno(void) { return errno; }
static inline int cnetlink_eventfd(unsigned int initval, int flags) { return eventfd(initval, flags); }
static inline int cnetlink_efd_cloexec(void) { return EFD_CLOEXEC; }
static inline int cnetlink_efd_nonblock(void) { return EFD_NONBLOCK; }

/// Resolves a generic netlink family and, optionally, one of its multicast
/// groups through libnl's controller cache. Returns 0 and fills the outputs,
/// or a negative libnl error (NLE_OBJ_NOTFOUND when the kernel lacks it).
/// `group_id` is set to -1 when `group` is NULL or the family has no such
/// group.
static inline int cnetlink_resolve_family(const char *family, const char *group,
                                          int *family_id, int *group_id) {
    struct nl_sock *sk = nl_socket_alloc();
    if (sk == NULL) return -NLE_NOMEM;
    int rc = genl_connect(sk);
    if (rc < 0) { nl_socket_free(sk); return rc; }
    rc = genl_ctrl_resolve(sk, family);
    if (rc < 0) { nl_socket_free(sk); return rc; }
    *family_id = rc;
    *group_id = -1;
    if (group != NULL) {
        int g = genl_ctrl_resolve_grp(sk, family, group);
        if (g >= 0) *group_id = g;
    }
    nl_socket_free(sk);
    return 0;
}

#endif
