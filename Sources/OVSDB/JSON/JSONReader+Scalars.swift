#if canImport(Glibc)
import Glibc
#endif

extension JSONReader {
    // MARK: Scalars

    /// Consumes `null`.
    /// - Throws: `JSONError` if the next value is anything else.
    public mutating func readNull() throws(JSONError) {
        try literal("null")
    }

    /// Consumes `null` if it is next.
    public mutating func readNullIfPresent() throws(JSONError) -> Bool {
        if try peekKind() == .null { try readNull(); return true }
        return false
    }

    /// Reads `true` or `false`.
    /// - Throws: `JSONError` if the next value is anything else.
    public mutating func readBool() throws(JSONError) -> Bool {
        skipSpace()
        if offset < end && base[offset] == UInt8(ascii: "t") { try literal("true"); return true }
        try literal("false")
        return false
    }

    /// Reads a number that is an integer (no fraction or exponent) and fits in
    /// an `Int`.
    /// - Throws: `JSONError` for a fraction, an exponent, a number out of
    ///   range, or anything that is not a number.
    public mutating func readInteger() throws(JSONError) -> Int {
        let start = offset
        let text = try readNumberText()
        var value = 0
        var index = text.lowerBound
        let negative = base[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        while index < text.upperBound {
            let digit = base[index]
            guard digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "9") else {
                offset = start
                throw error("expected an integer")
            }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            if o1 || o2 { offset = start; throw error("integer out of range") }
            value = sum
            index += 1
        }
        return negative ? -value : value
    }

    /// Reads any JSON number as a `Double`.
    /// - Throws: `JSONError` if the next value is not a number.
    public mutating func readDouble() throws(JSONError) -> Double {
        let text = try readNumberText()
        let string = String(decoding: UnsafeRawBufferPointer(rebasing: base[text]), as: UTF8.self)
        guard let value = Double(string) else { throw error("bad number \(string)") }
        return value
    }

    /// A string, unescaped. Plain ASCII/UTF-8 strings without escapes — all
    /// that OVSDB sends in practice — are taken in one validating copy.
    public mutating func readString() throws(JSONError) -> String {
        skipSpace()
        guard offset < end, base[offset] == UInt8(ascii: "\"") else { throw error("expected a string") }
        let start = offset + 1
        var index = start
        var ascii = true
        while index < end {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeRawBufferPointer(rebasing: base[start..<index]).bindMemory(to: UInt8.self)
                // ASCII needs no validation, and decoding it is a copy.
                let string = ascii ? String(decoding: raw, as: UTF8.self) : String(validating: raw, as: UTF8.self)
                guard let string else {
                    offset = start
                    throw error("string is not valid UTF-8")
                }
                offset = index + 1
                return string
            }
            if byte >= 0x80 { ascii = false }
            if byte == UInt8(ascii: "\\") { return try readEscapedString(from: start) }
            if byte < 0x20 { offset = index; throw error("control character in a string") }
            index += 1
        }
        offset = start
        throw error("unterminated string")
    }

    /// Compares the next string with `literal` without building it.
    public mutating func readStringIfEqual(_ literal: StaticString) throws(JSONError) -> Bool {
        skipSpace()
        let count = literal.utf8CodeUnitCount
        guard offset + count + 2 <= end, base[offset] == UInt8(ascii: "\""),
            base[offset + count + 1] == UInt8(ascii: "\"")
        else { return false }
        let equal = literal.withUTF8Buffer { text in
            memcmp(text.baseAddress!, base.baseAddress! + offset + 1, count) == 0
        }
        if equal { offset += count + 2 }
        return equal
    }

    mutating func readEscapedString(from start: Int) throws(JSONError) -> String {
        var bytes: [UInt8] = []
        var index = start
        while index < end {
            let byte = base[index]
            switch byte {
            case UInt8(ascii: "\""):
                offset = index + 1
                guard let string = String(validating: bytes, as: UTF8.self) else {
                    offset = start
                    throw error("string is not valid UTF-8")
                }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                guard index < end else { break }
                switch base[index] {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5c)
                case UInt8(ascii: "/"): bytes.append(0x2f)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0c)
                case UInt8(ascii: "n"): bytes.append(0x0a)
                case UInt8(ascii: "r"): bytes.append(0x0d)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    offset = index + 1
                    var scalar = try readHex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard offset + 6 <= end, base[offset] == UInt8(ascii: "\\"), base[offset + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate")
                        }
                        offset += 2
                        let low = try readHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw error("unpaired surrogate")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("bad \\u escape") }
                    bytes.append(contentsOf: Array(String(Character(unicode)).utf8))
                    index = offset
                    continue
                default:
                    offset = index
                    throw error("bad escape")
                }
                index += 1
            default:
                if byte < 0x20 { offset = index; throw error("control character in a string") }
                bytes.append(byte)
                index += 1
            }
        }
        offset = start
        throw error("unterminated string")
    }

    mutating func readHex4() throws(JSONError) -> UInt32 {
        guard offset + 4 <= end else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("bad hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    /// The raw bytes of the next string, unvalidated and with escapes left
    /// in — for callers that parse fixed formats (UUIDs) themselves.
    public mutating func readRawString() throws(JSONError) -> UnsafeRawBufferPointer {
        skipSpace()
        guard offset < end, base[offset] == UInt8(ascii: "\"") else { throw error("expected a string") }
        let start = offset + 1
        var index = start
        while true {
            index = JSONStringScan.nextQuoteOrBackslash(in: base, from: index, end: end)
            guard index < end else { break }
            if base[index] == UInt8(ascii: "\"") {
                offset = index + 1
                return UnsafeRawBufferPointer(rebasing: base[start..<index])
            }
            index += 2
        }
        offset = start
        throw error("unterminated string")
    }

    /// Skips a string without building it. Plain ASCII is checked in the
    /// scan; a string with escapes or other UTF-8 is read in full, so it is
    /// checked exactly as `readString` checks it.
    mutating func skipString() throws(JSONError) {
        skipSpace()
        guard offset < end, base[offset] == UInt8(ascii: "\"") else { throw error("expected a string") }
        var index = offset + 1
        while index < end {
            switch base[index] {
            case UInt8(ascii: "\""):
                offset = index + 1
                return
            case UInt8(ascii: "\\"), 0x80...0xff:
                _ = try readString()
                return
            case 0..<0x20: offset = index; throw error("control character in a string")
            default: index += 1
            }
        }
        throw error("unterminated string")
    }
}
