import Foundation

/// Little-endian writer for compact model files.
struct ByteWriter {
    private(set) var data = Data()

    mutating func byte(_ value: UInt8) { data.append(value) }

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            data.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        data.append(UInt8(rest))
    }

    mutating func float(_ value: Float) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func int16(_ value: Int16) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        let bytes = Array(value.utf8)
        varint(UInt64(bytes.count))
        data.append(contentsOf: bytes)
    }
}

/// Reader matching `ByteWriter`; throws on truncated input.
struct ByteReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ data: Data) { bytes = Array(data) }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw ModelFormatError.truncated }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            value |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { return value }
            shift += 7
            guard shift < 64 else { throw ModelFormatError.corrupt("varint too long") }
        }
    }

    mutating func float() throws -> Float {
        var bits: UInt32 = 0
        for shift in stride(from: 0, to: 32, by: 8) { bits |= UInt32(try byte()) << UInt32(shift) }
        return Float(bitPattern: bits)
    }

    mutating func int16() throws -> Int16 {
        let low = UInt16(try byte())
        let high = UInt16(try byte())
        return Int16(bitPattern: low | high << 8)
    }

    mutating func string() throws -> String {
        let length = Int(try varint())
        guard length <= bytes.count - position else { throw ModelFormatError.truncated }
        defer { position += length }
        return String(decoding: bytes[position..<position + length], as: UTF8.self)
    }
}

/// Why a serialised model could not be read.
public enum ModelFormatError: Error, Hashable, Sendable {
    /// The data ended early.
    case truncated
    /// The data is not a model of this kind or version.
    case corrupt(String)
}
