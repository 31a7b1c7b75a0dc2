/// Builds count statistics `n[a][y][yh]` from per-record labels, predictions and groups: the
/// path `fairmem stats` takes from a predictions CSV, and the one the empirical module uses for
/// trained models.
public struct PredictionCounts: Sendable, Equatable {
  public var groups: [String]
  public var classes: [String]
  /// `counts[a][y][yh]`: records of group a with label y predicted yh.
  public var counts: [[[Int]]]

  /// Counts from integer-coded records; `recordCounts[i]` (default 1) is how many records row
  /// `i` stands for (aggregated input).
  public init(
    groups: [String], classes: [String], groupOf: [Int], labels: [Int], predictions: [Int], recordCounts: [Int]? = nil
  ) {
    precondition(groupOf.count == labels.count && labels.count == predictions.count, "record arrays differ in length")
    precondition(recordCounts.map { $0.count == labels.count } ?? true, "record counts differ in length")
    let k = classes.count
    var n = Array(repeating: Array(repeating: Array(repeating: 0, count: k), count: k), count: groups.count)
    for i in labels.indices { n[groupOf[i]][labels[i]][predictions[i]] += recordCounts?[i] ?? 1 }
    self.groups = groups
    self.classes = classes
    self.counts = n
  }

  /// Counts from string-valued records; names are sorted (numerically when all are numbers).
  /// Classes are the union of labels and predictions.
  ///
  /// `recordCounts[i]` (default 1) is how many records row `i` stands for, so that aggregated
  /// input (one row per distinct group, label and prediction, as a group-by yields) gives the
  /// same counts as the records themselves.
  ///
  /// - Throws: `StatisticsError` when there are no records, the columns differ in length, a
  ///   record count is negative or the total overflows, fewer than two groups or classes, or
  ///   `classOrder` repeats a name or misses a value that occurs.
  public init(
    groupValues: [String], labels: [String], predictions: [String], classOrder: [String]? = nil,
    recordCounts: [Int]? = nil
  ) throws(StatisticsError) {
    guard !labels.isEmpty else { throw StatisticsError(field: "input", problem: "no records") }
    if let recordCounts {
      guard recordCounts.count == labels.count else {
        throw StatisticsError(
          field: "count", problem: "\(recordCounts.count) record counts for \(labels.count) rows")
      }
      var total = 0
      for (i, count) in recordCounts.enumerated() {
        guard count >= 0 else {
          throw StatisticsError(field: "count", problem: "row \(i + 1): negative count \(count)")
        }
        let (sum, overflow) = total.addingReportingOverflow(count)
        guard !overflow else { throw StatisticsError(field: "count", problem: "the total number of records overflows") }
        total = sum
      }
    }
    guard groupValues.count == labels.count && labels.count == predictions.count else {
      throw StatisticsError(
        field: "input",
        problem:
          "record columns differ in length (\(groupValues.count) groups, \(labels.count) labels, \(predictions.count) predictions)"
      )
    }
    if let classOrder, Set(classOrder).count != classOrder.count {
      throw StatisticsError(field: "classOrder", problem: "class order repeats a name: \(classOrder)")
    }
    let groups = Self.sortedNames(Set(groupValues))
    let classes = classOrder ?? Self.sortedNames(Set(labels).union(predictions))
    let groupIndex = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, $0) })
    let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
    guard groups.count >= 2 else {
      throw StatisticsError(
        field: "group", problem: "need at least 2 groups, found \(groups.count) (\(groups.joined(separator: ", ")))")
    }
    guard classes.count >= 2 else {
      throw StatisticsError(field: "label", problem: "need at least 2 classes, found \(classes.count)")
    }
    if classOrder == nil, let (first, second) = Self.sameNumberSpelledTwice(classes) {
      throw StatisticsError(
        field: Set(labels).contains(first) != Set(labels).contains(second) ? "prediction" : "label",
        problem:
          "class values '\(first)' and '\(second)' are the same number spelled differently (labels and predictions must use one spelling, e.g. both '1')"
      )
    }
    var y: [Int] = []
    var yh: [Int] = []
    y.reserveCapacity(labels.count)
    yh.reserveCapacity(labels.count)
    for (i, (label, prediction)) in zip(labels, predictions).enumerated() {
      guard let l = classIndex[label] else {
        throw StatisticsError(field: "label", problem: "record \(i + 1): class '\(label)' is not among \(classes)")
      }
      guard let p = classIndex[prediction] else {
        throw StatisticsError(
          field: "prediction", problem: "record \(i + 1): class '\(prediction)' is not among \(classes)")
      }
      y.append(l)
      yh.append(p)
    }
    // groupIndex has every value by construction.
    self.init(
      groups: groups, classes: classes, groupOf: groupValues.map { groupIndex[$0] ?? 0 }, labels: y, predictions: yh,
      recordCounts: recordCounts)
  }

  /// Sorts names numerically when every name is a number, lexicographically otherwise.
  ///
  /// A total order, so the result never depends on hashing: numerically (ties by text) when every
  /// name is a number other than NaN ("nan" parses as NaN, which compares false with everything),
  /// by text otherwise.
  public static func sortedNames(_ names: Set<String>) -> [String] {
    let numbers = names.compactMap { name in Double(name).flatMap { $0.isNaN ? nil : (name, $0) } }
    if numbers.count == names.count {
      return numbers.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.map(\.0)
    }
    return names.sorted()
  }

  /// The name of an intersectional group, the tuple of its values joined by `|`, with `\` and
  /// `|` inside a value escaped as `\\` and `\|` so that distinct tuples get distinct names
  /// (`("a|b", "c")` is `a\|b|c`, `("a", "b|c")` is `a|b\|c`). One value is its own name.
  public static func intersectionalName(_ values: [String]) -> String {
    guard values.count > 1 else { return values.first ?? "" }
    var name = ""
    for (i, value) in values.enumerated() {
      if i > 0 { name.append("|") }
      for character in value {
        if character == "\\" || character == "|" { name.append("\\") }
        name.append(character)
      }
    }
    return name
  }

  /// Two class names that spell the same number (`1` and `1.0`, `0` and `-0`): records would be
  /// split across classes and every such prediction counted as wrong.
  static func sameNumberSpelledTwice(_ names: [String]) -> (String, String)? {
    var seen: [Double: String] = [:]
    for name in names {
      guard let value = Double(name), !value.isNaN else { continue }
      if let other = seen[value] { return (other, name) }
      seen[value] = name
    }
    return nil
  }
}
