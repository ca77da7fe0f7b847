"""A small OpenFlow 1.3 learning switch for osken-manager, in the style of
Ryu's simple_switch_13 (Debian's python3-os-ken ships no sample apps):

  - on features reply: a table-miss flow (priority 0, match all) sending
    whole packets to the controller;
  - on packet-in: learn src MAC -> in_port; if the destination is known,
    install an exact flow (in_port, eth_dst, eth_src; priority 1) and send
    the packet out that port, otherwise flood it (packet_out);
  - every 0.5 s: flow stats and port stats requests to each switch.

What it saw is written (atomically, after each event) to the JSON file
named by $OSKEN_APP_OUT: packet_ins, flows_added, the last flow stats
(priority, match, actions as text, packets, bytes), the last port stats
(port -> rx/tx packets), the number of stats replies, and errors
received.  tests/system/test_openflow_controllers.py reads it."""

import json
import os

from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import (CONFIG_DISPATCHER, MAIN_DISPATCHER,
                                       set_ev_cls)
from os_ken.lib import hub
from os_ken.lib.packet import ether_types, ethernet, packet
from os_ken.ofproto import ofproto_v1_3


class SimpleSwitch13(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mac_to_port = {}
        self.datapaths = {}
        self.out = os.environ.get("OSKEN_APP_OUT", "/tmp/simple_switch_13.json")
        self.seen = {"packet_ins": 0, "flows_added": 0, "features": 0,
                     "flow_stats_replies": 0, "port_stats_replies": 0,
                     "flows": [], "ports": {}, "errors": [],
                     "datapaths": []}
        self.monitor = hub.spawn(self._poll_stats)
        self._save()

    def _save(self):
        tmp = self.out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.seen, f, indent=1, sort_keys=True)
        os.replace(tmp, self.out)

    # -- switch setup --

    @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
    def switch_features_handler(self, ev):
        dp = ev.msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        self.datapaths[dp.id] = dp
        self.seen["features"] += 1
        self.seen["datapaths"] = sorted("%016x" % i for i in self.datapaths)
        # Table miss: everything to the controller, unbuffered.
        actions = [parser.OFPActionOutput(ofp.OFPP_CONTROLLER,
                                          ofp.OFPCML_NO_BUFFER)]
        self.add_flow(dp, 0, parser.OFPMatch(), actions)
        self._save()

    def add_flow(self, dp, priority, match, actions):
        ofp, parser = dp.ofproto, dp.ofproto_parser
        inst = [parser.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS,
                                             actions)]
        dp.send_msg(parser.OFPFlowMod(datapath=dp, priority=priority,
                                      match=match, instructions=inst))
        self.seen["flows_added"] += 1

    # -- learning --

    @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
    def packet_in_handler(self, ev):
        msg = ev.msg
        dp = msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        in_port = msg.match["in_port"]
        self.seen["packet_ins"] += 1

        eth = packet.Packet(msg.data).get_protocols(ethernet.ethernet)[0]
        if eth.ethertype == ether_types.ETH_TYPE_LLDP:
            self._save()
            return
        table = self.mac_to_port.setdefault(dp.id, {})
        table[eth.src] = in_port
        out_port = table.get(eth.dst, ofp.OFPP_FLOOD)
        actions = [parser.OFPActionOutput(out_port)]
        if out_port != ofp.OFPP_FLOOD:
            match = parser.OFPMatch(in_port=in_port, eth_dst=eth.dst,
                                    eth_src=eth.src)
            self.add_flow(dp, 1, match, actions)
        data = msg.data if msg.buffer_id == ofp.OFP_NO_BUFFER else None
        dp.send_msg(parser.OFPPacketOut(datapath=dp, buffer_id=msg.buffer_id,
                                        in_port=in_port, actions=actions,
                                        data=data))
        self._save()

    # -- statistics --

    def _poll_stats(self):
        while True:
            for dp in list(self.datapaths.values()):
                ofp, parser = dp.ofproto, dp.ofproto_parser
                dp.send_msg(parser.OFPFlowStatsRequest(dp))
                dp.send_msg(parser.OFPPortStatsRequest(dp, 0, ofp.OFPP_ANY))
            hub.sleep(0.5)

    @set_ev_cls(ofp_event.EventOFPFlowStatsReply, MAIN_DISPATCHER)
    def flow_stats_reply_handler(self, ev):
        self.seen["flow_stats_replies"] += 1
        flows = []
        for st in ev.msg.body:
            flows.append({
                "priority": st.priority,
                "table_id": st.table_id,
                "match": {k: str(v) for k, v in st.match.items()},
                "actions": [str(a) for i in st.instructions
                            for a in getattr(i, "actions", [])],
                "packets": st.packet_count,
                "bytes": st.byte_count,
            })
        self.seen["flows"] = sorted(flows, key=lambda f: (-f["priority"],
                                                          str(f["match"])))
        self._save()

    @set_ev_cls(ofp_event.EventOFPPortStatsReply, MAIN_DISPATCHER)
    def port_stats_reply_handler(self, ev):
        self.seen["port_stats_replies"] += 1
        self.seen["ports"] = {
            str(st.port_no): {"rx_packets": st.rx_packets,
                              "tx_packets": st.tx_packets,
                              "rx_bytes": st.rx_bytes,
                              "tx_bytes": st.tx_bytes}
            for st in ev.msg.body}
        self._save()

    @set_ev_cls(ofp_event.EventOFPErrorMsg, MAIN_DISPATCHER)
    def error_msg_handler(self, ev):
        msg = ev.msg
        self.seen["errors"].append({"type": msg.type, "code": msg.code})
        self._save()
