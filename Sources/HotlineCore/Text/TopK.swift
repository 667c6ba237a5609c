/// A bounded min-heap keeping the `capacity` highest-scoring items; ties go to the smaller key.
struct TopK<Item> {
    private var entries: [(item: Item, score: Float, tieBreak: Int64)] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        entries.reserveCapacity(capacity)
    }

    /// Whether an item with `score` could enter (cheap pre-check).
    @inline(__always)
    func accepts(_ score: Float) -> Bool {
        entries.count < capacity || score >= entries[0].score
    }

    mutating func insert(_ item: Item, score: Float, tieBreak: Int64) {
        let entry = (item, score, tieBreak)
        if entries.count < capacity {
            entries.append(entry)
            siftUp(entries.count - 1)
        } else if Self.less(entries[0], entry) {
            entries[0] = entry
            siftDown(0)
        }
    }

    /// Best first.
    func sorted() -> [(Item, Float)] {
        entries.sorted { Self.less($1, $0) }.map { ($0.item, $0.score) }
    }

    /// Orders worse before better: lower score, or equal score and larger tie-break.
    @inline(__always)
    private static func less(_ a: (item: Item, score: Float, tieBreak: Int64), _ b: (item: Item, score: Float, tieBreak: Int64)) -> Bool {
        a.score < b.score || (a.score == b.score && a.tieBreak > b.tieBreak)
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(entries[child], entries[parent]) else { return }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count, Self.less(entries[left], entries[smallest]) { smallest = left }
            if right < entries.count, Self.less(entries[right], entries[smallest]) { smallest = right }
            if smallest == parent { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
