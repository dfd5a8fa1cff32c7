/// A rig that could not do what a test asked of it, said in one line.
package struct RigError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
