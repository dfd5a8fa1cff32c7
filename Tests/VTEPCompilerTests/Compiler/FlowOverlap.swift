@testable import OVSDatapathCore
@testable import VTEPCompiler

/// Whether one packet could match two flows: the kernel has no priorities,
/// so the compiler must never emit such a pair. Fields are compared bit by
/// bit under both masks; a field one flow leaves out is a wildcard, except
/// the VLAN TCI, which the kernel always matches exactly (absent = untagged).
enum FlowOverlap {
    struct Field: Hashable { var path: String }

    static func fields(_ key: [FlowKeyAttribute], _ mask: [FlowKeyAttribute], prefix: String = "") -> [String: (
        value: [UInt8], mask: [UInt8]
    )] {
        var result: [String: (value: [UInt8], mask: [UInt8])] = [:]
        for attribute in key {
            let name = prefix + String(attribute.type)
            let maskAttribute = mask[type: attribute.type]
            if attribute.children.isEmpty, case .bytes(let bytes) = attribute.value {
                result[name] = (bytes, maskAttribute?.bytes ?? [UInt8](repeating: 0, count: bytes.count))
            } else {
                for (subName, field) in fields(attribute.children, maskAttribute?.children ?? [], prefix: name + ".") {
                    result[subName] = field
                }
            }
        }
        if prefix.isEmpty, result[String(OVSKey.vlan)] == nil { result[String(OVSKey.vlan)] = ([0, 0], [0xff, 0xff]) }
        return result
    }

    static func overlap(_ a: Flow, _ b: Flow) -> Bool {
        let fa = fields(a.key, a.mask ?? []), fb = fields(b.key, b.mask ?? [])
        for (name, x) in fa {
            guard let y = fb[name], x.value.count == y.value.count else { continue }
            for i in x.value.indices where (x.value[i] ^ y.value[i]) & x.mask[i] & y.mask[i] != 0 { return false }
        }
        return true
    }

    /// Every overlapping pair, by identity.
    static func pairs(_ flows: [CompiledFlow]) -> [(String, String)] {
        var found: [(String, String)] = []
        for i in flows.indices {
            for j in flows.indices where j > i && overlap(flows[i].flow, flows[j].flow) {
                found.append((flows[i].identity, flows[j].identity))
            }
        }
        return found
    }
}
