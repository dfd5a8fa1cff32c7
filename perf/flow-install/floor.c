/*
 * The floor for installing flows: a minimal C program that batches
 * OVS_FLOW_CMD_NEW messages through libmnl, 50 per sendmsg, no acks, and
 * drains error replies after each send. It builds byte-for-byte the same
 * messages as vtep-kdp's flow API does for the benchmark's flows:
 *
 *   key  RECIRC_ID(0x1000021) ETHERNET(src 0, dst 0a:xx:xx:xx:xx:xx)
 *   mask RECIRC_ID(ffffffff)  ETHERNET(src 0, dst ff:ff:ff:ff:ff:ff)
 *   actions OUTPUT(1), UFID (16 bytes), UFID_FLAGS(7)
 *
 * usage: flow-install-floor DATAPATH COUNT
 * prints: floor installed=N errors=E seconds=S flows_per_second=R
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/openvswitch.h>
#include "../include/genl-tool.h"

#define BATCH 50

/* With "tunnel", each flow's actions are vtep-kdp's remote-MAC actions,
 * set(tunnel(...)) then output, instead of a bare output: the kernel then
 * allocates tunnel metadata for every flow, as it does for vtep-kdp's. */
static int tunnel;

static void put_flow(char *buf, unsigned *len, int family, int dp_ifindex, unsigned seq, unsigned i) {
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + *len);
    nlh->nlmsg_type = family;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE;
    nlh->nlmsg_seq = seq;
    struct genlmsghdr *genl = mnl_nlmsg_put_extra_header(nlh, sizeof *genl);
    genl->cmd = OVS_FLOW_CMD_NEW;
    genl->version = OVS_FLOW_VERSION;
    struct ovs_header *ovs = mnl_nlmsg_put_extra_header(nlh, sizeof *ovs);
    ovs->dp_ifindex = dp_ifindex;

    unsigned char eth[12] = {0};
    eth[6] = 0x0a; eth[8] = i >> 24; eth[9] = i >> 16; eth[10] = i >> 8; eth[11] = i;
    unsigned char eth_mask[12] = {0};
    memset(eth_mask + 6, 0xff, 6);

    struct nlattr *nest = mnl_attr_nest_start(nlh, OVS_FLOW_ATTR_KEY);
    mnl_attr_put_u32(nlh, OVS_KEY_ATTR_RECIRC_ID, 0x1000021);
    mnl_attr_put(nlh, OVS_KEY_ATTR_ETHERNET, sizeof eth, eth);
    mnl_attr_nest_end(nlh, nest);
    nest = mnl_attr_nest_start(nlh, OVS_FLOW_ATTR_MASK);
    mnl_attr_put_u32(nlh, OVS_KEY_ATTR_RECIRC_ID, 0xffffffff);
    mnl_attr_put(nlh, OVS_KEY_ATTR_ETHERNET, sizeof eth_mask, eth_mask);
    mnl_attr_nest_end(nlh, nest);
    nest = mnl_attr_nest_start(nlh, OVS_FLOW_ATTR_ACTIONS);
    if (tunnel) {
        struct nlattr *set = mnl_attr_nest_start(nlh, OVS_ACTION_ATTR_SET);
        struct nlattr *tun = mnl_attr_nest_start(nlh, OVS_KEY_ATTR_TUNNEL);
        mnl_attr_put_u64(nlh, OVS_TUNNEL_KEY_ATTR_ID, htobe64(33));
        mnl_attr_put_u32(nlh, OVS_TUNNEL_KEY_ATTR_IPV4_SRC, htonl(0x0a020201));
        mnl_attr_put_u32(nlh, OVS_TUNNEL_KEY_ATTR_IPV4_DST, htonl(0x0a020203));
        mnl_attr_put_u8(nlh, OVS_TUNNEL_KEY_ATTR_TTL, 64);
        mnl_attr_put(nlh, OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT, 0, NULL);
        mnl_attr_nest_end(nlh, tun);
        mnl_attr_nest_end(nlh, set);
    }
    mnl_attr_put_u32(nlh, OVS_ACTION_ATTR_OUTPUT, 1);
    mnl_attr_nest_end(nlh, nest);
    uint32_t ufid[4] = {0x7f100000u, 0, 0, i};
    mnl_attr_put(nlh, OVS_FLOW_ATTR_UFID, sizeof ufid, ufid);
    mnl_attr_put_u32(nlh, OVS_FLOW_ATTR_UFID_FLAGS, OVS_UFID_F_OMIT_KEY | OVS_UFID_F_OMIT_MASK | OVS_UFID_F_OMIT_ACTIONS);
    *len += nlh->nlmsg_len;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "tunnel"))) {
        fprintf(stderr, "usage: %s DATAPATH COUNT [tunnel]\n", argv[0]);
        return 2;
    }
    tunnel = argc == 4;
    unsigned count = strtoul(argv[2], NULL, 10);
    int dp_ifindex = if_nametoindex(argv[1]);
    int family = resolve_family(OVS_FLOW_FAMILY);
    if (!dp_ifindex || family < 0) { fprintf(stderr, "no datapath %s or no ovs_flow family\n", argv[1]); return 1; }

    struct mnl_socket *nl = mnl_socket_open(NETLINK_GENERIC);
    if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) { perror("netlink"); return 1; }
    int rcvbuf = 4 << 20;
    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);

    static char buf[BATCH * 512];
    static char rx[1 << 16];
    unsigned errors = 0, seq = 1;
    double start = seconds_on(CLOCK_MONOTONIC);
    for (unsigned i = 0; i < count; ) {
        unsigned len = 0;
        for (unsigned n = 0; n < BATCH && i < count; n++, i++) put_flow(buf, &len, family, dp_ifindex, seq++, i);
        if (mnl_socket_sendto(nl, buf, len) < 0) { perror("sendmsg"); return 1; }
        for (;;) {
            int r = recv(mnl_socket_get_fd(nl), rx, sizeof rx, MSG_DONTWAIT);
            if (r < 0) break;
            for (struct nlmsghdr *h = (struct nlmsghdr *)rx; mnl_nlmsg_ok(h, r); h = mnl_nlmsg_next(h, &r))
                if (h->nlmsg_type == NLMSG_ERROR && ((struct nlmsgerr *)mnl_nlmsg_get_payload(h))->error) errors++;
        }
    }
    double seconds = seconds_on(CLOCK_MONOTONIC) - start;
    printf("floor installed=%u errors=%u seconds=%.3f flows_per_second=%.0f actions=%s\n",
           count - errors, errors, seconds, (count - errors) / seconds, tunnel ? "tunnel" : "output");
    mnl_socket_close(nl);
    return errors ? 1 : 0;
}
