/// The documents containing one term, in increasing slot order, with their saturated BM25F weights.
struct PostingList: Sendable {
    /// Document slots, ascending.
    var slots: [UInt32] = []
    /// `tf / (k1 + tf)` of the field-weighted, length-normalised term frequency, per slot.
    var weights: [Float] = []
    /// The largest weight, an upper bound for pruning.
    var maxWeight: Float = 0

    mutating func append(slot: UInt32, weight: Float) {
        slots.append(slot)
        weights.append(weight)
        if weight > maxWeight { maxWeight = weight }
    }

    /// The weight for `slot`, if present (binary search).
    func weight(of slot: UInt32) -> Float? {
        var low = 0
        var high = slots.count
        while low < high {
            let mid = (low + high) >> 1
            if slots[mid] < slot { low = mid + 1 } else { high = mid }
        }
        return low < slots.count && slots[low] == slot ? weights[low] : nil
    }
}
