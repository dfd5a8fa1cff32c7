/// Which ports the switch has, kept the same in the datapath and in the
/// database's `Physical_Switch.ports`, as ovs-vtep keeps its bridge and
/// the database the same.
///
/// Without ovs-vswitchd there is no bridge: the datapath's network-device
/// ports are the switch's ports. A port joins from either side — into the
/// datapath (`vtep-kdp add-port`, `--port`, `ovs-dpctl add-if`) and it is
/// published as a Physical_Port row; as a row (`vtep-ctl add-port`) and it
/// is added to the datapath once its device exists — and leaves from
/// either side too. Telling "joined on one side" from "left the other"
/// takes memory: the ports both sides held after the last plan. Before the
/// first plan (a start, a restart) nothing has left: ports only join.
public struct PortInventory: Sendable {
    /// The ports both sides held after the last plan; nil before the first.
    public private(set) var agreed: Set<String>?
    /// Ports that left the datapath whose rows are still to be deleted: a
    /// write-back may fail or be folded into a later one, so the deletion
    /// is asked for until the row is gone.
    public private(set) var rowsToDelete: Set<String> = []

    /// An inventory that has seen nothing yet.
    public init() {}

    /// What to do to make both sides agree.
    public struct Plan: Equatable, Sendable {
        /// Rows to add a datapath port for (their device exists).
        public var addToDatapath: [String] = []
        /// Datapath ports whose rows were deleted.
        public var removeFromDatapath: [String] = []
        /// Ports whose rows are to be deleted (they left the datapath).
        public var deleteRows: [String] = []
        /// Ports the switch has once the plan is carried out: the rows the
        /// database must hold (those it lacks are added).
        public var ports: [String] = []
    }

    /// The plan for a datapath holding the network-device ports `datapath`
    /// and a database whose switch lists `database`; `deviceExists` says
    /// whether a network device of that name is there to be added. The
    /// inventory assumes the plan is carried out.
    public mutating func plan(datapath: Set<String>, database: Set<String>, deviceExists: (String) -> Bool) -> Plan {
        let agreed = self.agreed ?? datapath.intersection(database)
        // Rows asked to go that came back into the datapath stay; rows already gone are done.
        rowsToDelete = rowsToDelete.intersection(database).subtracting(datapath)
        rowsToDelete.formUnion(agreed.subtracting(datapath).intersection(database))
        let leftDatabase = agreed.subtracting(database).intersection(datapath)
        let joinedDatabase = database.subtracting(datapath).subtracting(agreed).subtracting(rowsToDelete)
        let addToDatapath = joinedDatabase.filter(deviceExists)
        let ports = datapath.subtracting(leftDatabase).union(addToDatapath)
        self.agreed = ports
        return Plan(
            addToDatapath: addToDatapath.sorted(), removeFromDatapath: leftDatabase.sorted(), deleteRows: rowsToDelete.sorted(),
            ports: ports.sorted())
    }

    /// A port the plan removed from the datapath is still there (the
    /// kernel refused): the next plan removes it again.
    public mutating func stayed(_ name: String) { agreed?.insert(name) }

    /// A port the plan added to the datapath is not there (the kernel
    /// refused): the next plan adds it again.
    public mutating func notAdded(_ name: String) { agreed?.remove(name) }
}
