import Foundation

/// Charts drawn on the server as SVG (no script, prints as it shows): a trend line, horizontal bars, stacked bars
/// and a heat grid. Every label is escaped; every chart carries a title for screen readers.
enum Charts {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A round top for an axis: 1, 2 or 5 times a power of ten, at least `value`.
    static func niceMaximum(_ value: Int) -> Int {
        guard value > 0 else { return 1 }
        var step = 1
        while true {
            for factor in [1, 2, 5] where factor * step >= value { return factor * step }
            step *= 10
        }
    }

    /// A line of counts over labelled buckets, with the axis' top and every n-th label.
    static func line(title: String, points: [(label: String, value: Int)], width: Int = 720, height: Int = 220) -> String {
        let left = 44.0, right = 12.0, top = 16.0, bottom = 28.0
        let top_ = niceMaximum(points.map(\.value).max() ?? 0)
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let step = points.count > 1 ? plotWidth / Double(points.count - 1) : 0
        func x(_ i: Int) -> Double { left + Double(i) * step }
        func y(_ v: Int) -> Double { top + plotHeight - Double(v) / Double(top_) * plotHeight }
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
        for fraction in [0.0, 0.5, 1.0] {
            let v = Int(Double(top_) * fraction)
            svg += "<line class=\"grid\" x1=\"\(left)\" x2=\"\(Double(width) - right)\" y1=\"\(number(y(v)))\" y2=\"\(number(y(v)))\"/>"
            svg += "<text class=\"axis\" x=\"\(left - 6)\" y=\"\(number(y(v) + 4))\" text-anchor=\"end\">\(v)</text>"
        }
        // Every n-th bucket counted back from the last is labelled (the latest is always named, and no two labels
        // crowd); the first and last labels are anchored inside the chart.
        let labelEvery = max(1, Int((Double(points.count) / 8).rounded(.up)))
        for (i, point) in points.enumerated() where (points.count - 1 - i) % labelEvery == 0 {
            let anchor = i == 0 ? "start" : i == points.count - 1 ? "end" : "middle"
            svg += "<text class=\"axis\" x=\"\(number(x(i)))\" y=\"\(height - 8)\" text-anchor=\"\(anchor)\">\(escape(point.label))</text>"
        }
        let path = points.enumerated().map { "\(number(x($0.offset))),\(number(y($0.element.value)))" }.joined(separator: " ")
        if !points.isEmpty { svg += "<polyline class=\"series\" points=\"\(path)\"/>" }
        for (i, point) in points.enumerated() {
            svg += "<circle class=\"dot\" cx=\"\(number(x(i)))\" cy=\"\(number(y(point.value)))\" r=\"2.5\"><title>\(escape(point.label))：\(point.value)</title></circle>"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars, one per label, each with its value at its end.
    static func bars(title: String, items: [(label: String, value: Int)], width: Int = 520) -> String {
        let rowHeight = 24.0, labelWidth = 150.0, valueWidth = 50.0
        let height = Int(Double(max(items.count, 1)) * rowHeight + 8)
        let top_ = max(items.map(\.value).max() ?? 0, 1)
        let plotWidth = Double(width) - labelWidth - valueWidth
        var svg = "<svg class=\"chart bars\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
        for (i, item) in items.enumerated() {
            let y = 4 + Double(i) * rowHeight
            let length = max(Double(item.value) / Double(top_) * plotWidth, item.value > 0 ? 1 : 0)
            let label = item.label.count > 10 ? String(item.label.prefix(10)) + "…" : item.label
            svg += "<text class=\"label\" x=\"\(labelWidth - 6)\" y=\"\(number(y + 16))\" text-anchor=\"end\">\(escape(label))</text>"
            svg += "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(number(y + 3))\" width=\"\(number(length))\" height=\"\(number(rowHeight - 8))\"><title>\(escape(item.label))：\(item.value)</title></rect>"
            svg += "<text class=\"value\" x=\"\(number(labelWidth + length + 4))\" y=\"\(number(y + 16))\">\(item.value)</text>"
        }
        return svg + "</svg>"
    }

    /// One bar split into its parts (channels of the period), with a legend below.
    static func stacked(title: String, parts: [(label: String, value: Int)], width: Int = 720) -> String {
        let total = max(parts.map(\.value).reduce(0, +), 1)
        let barHeight = 28.0, legendRow = 20.0
        let perRow = 4
        let height = Int(barHeight + 12 + Double((parts.count + perRow - 1) / perRow) * legendRow + 4)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
        var x = 0.0
        for (i, part) in parts.enumerated() {
            let w = Double(part.value) / Double(total) * Double(width)
            svg += "<rect class=\"part p\(i % 8)\" x=\"\(number(x))\" y=\"0\" width=\"\(number(w))\" height=\"\(barHeight)\"><title>\(escape(part.label))：\(part.value)</title></rect>"
            x += w
            let lx = Double(i % perRow) * Double(width) / Double(perRow)
            let ly = barHeight + 12 + Double(i / perRow) * legendRow
            svg += "<rect class=\"part p\(i % 8)\" x=\"\(number(lx))\" y=\"\(number(ly))\" width=\"12\" height=\"12\"/>"
            let share = String(format: "%.0f%%", Double(part.value) / Double(total) * 100)
            svg += "<text class=\"label\" x=\"\(number(lx + 16))\" y=\"\(number(ly + 11))\">\(escape(part.label)) \(part.value)（\(share)）</text>"
        }
        return svg + "</svg>"
    }

    /// A grid of counts, rows by columns, each cell shaded by its share of the largest.
    static func heat(title: String, rows: [String], columns: [String], counts: [[Int]]) -> String {
        let labelWidth = 110.0, cell = 56.0, head = 40.0
        let width = Int(labelWidth + Double(max(columns.count, 1)) * cell)
        let height = Int(head + Double(max(rows.count, 1)) * 26)
        let top_ = max(counts.flatMap { $0 }.max() ?? 0, 1)
        var svg = "<svg class=\"chart heat\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
        for (j, column) in columns.enumerated() {
            let label = column.count > 4 ? String(column.prefix(4)) : column
            svg += "<text class=\"axis\" x=\"\(number(labelWidth + Double(j) * cell + cell / 2))\" y=\"\(head - 8)\" text-anchor=\"middle\">\(escape(label))<title>\(escape(column))</title></text>"
        }
        for (i, row) in rows.enumerated() {
            let y = head + Double(i) * 26
            svg += "<text class=\"label\" x=\"\(labelWidth - 6)\" y=\"\(number(y + 17))\" text-anchor=\"end\">\(escape(row))</text>"
            for (j, value) in (i < counts.count ? counts[i] : []).enumerated() {
                let intensity = Double(value) / Double(top_)
                let x = labelWidth + Double(j) * cell
                svg += "<rect class=\"cell\" x=\"\(number(x + 1))\" y=\"\(number(y + 1))\" width=\"\(cell - 2)\" height=\"24\" fill-opacity=\"\(String(format: "%.2f", 0.08 + intensity * 0.92))\"><title>\(escape(row))·\(escape(columns[j]))：\(value)</title></rect>"
                svg += "<text class=\"\(intensity > 0.55 ? "value light" : "value")\" x=\"\(number(x + cell / 2))\" y=\"\(number(y + 17))\" text-anchor=\"middle\">\(value)</text>"
            }
        }
        return svg + "</svg>"
    }
}
