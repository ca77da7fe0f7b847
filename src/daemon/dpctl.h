/* The dpctl/ control commands of the daemon: dpctl/show [-s],
 * dpctl/dump-flows [-m], dpctl/del-flows, dpctl/get-flow FLOW,
 * dpctl/add-flow FLOW ACTIONS, dpctl/mod-flow FLOW ACTIONS,
 * dpctl/del-flow FLOW (each also takes an optional datapath name first, as
 * ovs-appctl dpctl/... does).  They work on bridge_datapath(). */
#ifndef VS_DAEMON_DPCTL_H
#define VS_DAEMON_DPCTL_H

void dpctl_register_commands(void);

#endif
