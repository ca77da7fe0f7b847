/* What the flow commands of src/cli/ofctl/ share (ofctl_flows.c,
 * ofctl_diff.c). */
#ifndef VS_CLI_OFCTL_FLOWS_H
#define VS_CLI_OFCTL_FLOWS_H

#include "cli/ofctl/ofctl.h"

/* The flow format of a connection: OF1.0's match or NXM, and whether
 * flow_mods carry a table id. */
struct ofctl_proto {
    enum ofp_flow_format ff;
    bool tid;
};

/* OpenFlow 1.0: sends NXT_SET_FLOW_FORMAT nxm (`nxm`) and
 * NXT_FLOW_MOD_TABLE_ID (`tid`), each with a barrier; exits when the
 * switch refuses.  Later versions need neither. */
void ofctl_set_flow_format(struct vconn *v, bool nxm, bool tid,
                           struct ofctl_proto *p);
/* The format of a flow dump (NXM first, as ovs-ofctl tries it). */
void ofctl_set_dump_format(struct vconn *v, const struct ofp_match *m,
                           bool need_nxm, struct ofctl_proto *p);


/* Opens `sw`, picks the flow format, sends the flow_mods (each with a
 * barrier, or as one bundle with --bundle); exits on an error. */
void ofctl_send_flow_mods(const char *sw, const struct ofp_flow_mod *fms,
                          size_t n);

/* Every flow the request selects (multipart assembled). */
void ofctl_fetch_flows(struct vconn *v, const struct ofctl_proto *p,
                       const struct ofp_flow_stats_request *r,
                       struct ofp_flow_stats **fs, size_t *n);

/* The flows of file `name` ("-": stdin), one per line ("#" comments,
 * blank lines skipped; with `commands`, a line may start with add,
 * modify, modify_strict, delete or delete_strict).  Exits with
 * "FILE:LINE: error" on a bad line. */
void ofctl_read_flow_file(const char *name, bool commands,
                          struct ofp_flow_mod **fms, size_t *n);

void ofctl_cmd_replace_flows(int argc, char *argv[]);
void ofctl_cmd_diff_flows(int argc, char *argv[]);

#endif
