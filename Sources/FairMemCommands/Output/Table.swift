import Foundation
import NumberText

/// A plain-text table with aligned columns for the human-readable output.
struct Table {
  var header: [String]
  var rows: [[String]] = []

  init(_ header: String...) { self.header = header }
  init(_ header: [String]) { self.header = header }

  mutating func add(_ cells: String...) { rows.append(cells) }
  mutating func add(_ cells: [String]) { rows.append(cells) }

  func render(indent: String = "  ") -> String {
    var lines: [String] = []
    lines.reserveCapacity(rows.count + 2)
    renderLines(indent: indent) { lines.append($0) }
    return lines.joined(separator: "\n")
  }

  /// The table line by line (header, rule, rows), for output written as it is produced.
  ///
  /// Column widths count characters (bytes for ASCII text, the common case, so a table of a
  /// million rows is rendered in linear time without Foundation's string bridging); a cell is
  /// padded with spaces to its column's width, never cut.
  func renderLines(indent: String = "  ", _ emit: (String) -> Void) {
    func width(_ cell: String) -> Int {
      let bytes = cell.utf8
      return bytes.allSatisfy({ $0 < 0x80 }) ? bytes.count : cell.count
    }
    var widths = header.map(width)
    for row in rows {
      for (j, cell) in row.enumerated() where j < widths.count { widths[j] = max(widths[j], width(cell)) }
    }
    func line(_ cells: [String]) -> String {
      var text = indent
      for (j, cell) in cells.enumerated() {
        if j > 0 { text += "  " }
        text += cell
        if j < widths.count { text += String(repeating: " ", count: max(0, widths[j] - width(cell))) }
      }
      return text.trimmingTrailingSpaces()
    }
    emit(line(header))
    emit(indent + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
    for row in rows { emit(line(row)) }
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    guard utf8.last == UInt8(ascii: " ") else { return self }
    var s = self
    while s.utf8.last == UInt8(ascii: " ") { s.removeLast() }
    return s
  }
}

/// Number formatting for tables (`NumberText`'s rules: 6 significant digits).
enum Format {
  static func number(_ x: Double?) -> String { NumberText.number(x) }
  static func percent(_ x: Double?) -> String { NumberText.percent(x) }

  static func matrix(_ x: [[Double]]?, groups: [String], classes: [String]) -> String {
    guard let x else { return "-" }
    return zip(groups, x).map { g, row in
      "\(g): [" + zip(classes, row).map { "\($0)=\(number($1))" }.joined(separator: ", ") + "]"
    }.joined(separator: "; ")
  }
}
