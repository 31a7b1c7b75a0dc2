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
    let all = [header] + rows
    let widths = header.indices.map { j in all.map { j < $0.count ? $0[j].count : 0 }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
      indent
        + cells.enumerated().map { j, c in c.padding(toLength: widths[j], withPad: " ", startingAt: 0) }
        .joined(separator: "  ").trimmingTrailingSpaces()
    }
    let rule = indent + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var s = self
    while s.last == " " { s.removeLast() }
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
