/*
 * Waits until a datapath holds at least TARGET flows, asking the kernel
 * (OVS_DP_CMD_GET, its n_flows statistic) every millisecond at first and
 * then every 1% of the time waited so far (at most every 10 ms), and prints
 * the CLOCK_REALTIME time it saw them — the clock add-remote-macs.py uses
 * for ovsdb-server's commit reply. Start it before the commit: spawning
 * processes after it (or `ovs-dpctl show` in a loop) would add tens of
 * milliseconds of process start-up to every sample in the emulated VM.
 * Asking every millisecond for seconds on end took a quarter of one of the
 * emulated VM's two vCPUs from the system being measured; a sample every
 * 1% of the wait costs little and still resolves the time to 1%.
 *
 * usage: wait-flows DATAPATH TARGET TIMEOUT_SECONDS
 * prints: FLOWS TIME   (FLOWS < TARGET when the timeout ran out)
 */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/openvswitch.h>
#include "../include/genl-tool.h"

static long long flows;

static int attribute(const struct nlattr *attr, void *data) {
    (void)data;
    if (mnl_attr_get_type(attr) == OVS_DP_ATTR_STATS && mnl_attr_get_payload_len(attr) >= sizeof(struct ovs_dp_stats)) {
        const struct ovs_dp_stats *stats = mnl_attr_get_payload(attr);
        flows = (long long)stats->n_flows;
    }
    return MNL_CB_OK;
}

static int reply(const struct nlmsghdr *nlh, void *data) {
    return mnl_attr_parse(nlh, sizeof(struct genlmsghdr) + sizeof(struct ovs_header), attribute, data);
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: wait-flows DATAPATH TARGET TIMEOUT_SECONDS\n"); return 2; }
    const char *name = argv[1];
    long long target = atoll(argv[2]);
    double timeout = atof(argv[3]), start = seconds_on(CLOCK_REALTIME);
    int family = resolve_family(OVS_DATAPATH_FAMILY);
    struct mnl_socket *nl = mnl_socket_open(NETLINK_GENERIC);
    if (family < 0 || !nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) { perror("netlink"); return 1; }
    char buf[MNL_SOCKET_BUFFER_SIZE];
    unsigned seq = 0;
    for (;;) {
        flows = -1;
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = family;
        nlh->nlmsg_flags = NLM_F_REQUEST;
        nlh->nlmsg_seq = ++seq;
        struct genlmsghdr *genl = mnl_nlmsg_put_extra_header(nlh, sizeof *genl);
        genl->cmd = OVS_DP_CMD_GET;
        genl->version = OVS_DATAPATH_VERSION;
        struct ovs_header *ovs = mnl_nlmsg_put_extra_header(nlh, sizeof *ovs);
        ovs->dp_ifindex = 0;
        mnl_attr_put_strz(nlh, OVS_DP_ATTR_NAME, name);
        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) { perror("send"); return 1; }
        int n = mnl_socket_recvfrom(nl, buf, sizeof buf);
        if (n > 0) mnl_cb_run(buf, n, seq, mnl_socket_get_portid(nl), reply, NULL);
        double seen = seconds_on(CLOCK_REALTIME);
        if (flows >= target || seen - start > timeout) {
            printf("%lld %.6f\n", flows < 0 ? 0 : flows, seen);
            return 0;
        }
        double waited = seen - start, pause = waited / 100;
        usleep((useconds_t)(1e6 * (pause < 0.001 ? 0.001 : pause > 0.010 ? 0.010 : pause)));
    }
}
