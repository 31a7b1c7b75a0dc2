import FairnessStatistics
import Synchronization

/// Labels already made (row labels, variable names), by everything they depend on.
///
/// A sweep answers line after line with the same group and class names, and labels are strings
/// built for every row of every answer (on instances with 3-4 groups and 4-5 classes, a tenth of
/// an equalized-odds answer). The memo returns the same arrays for the same key; it is shared by
/// all threads (a lock held only to look up or store) and forgets everything when it holds
/// `capacity` keys, so its memory stays bounded whatever the input.
final class LabelMemo<Key: Hashable & Sendable>: Sendable {
  private let entries = Mutex<[Key: [String]]>([:])
  private let capacity: Int

  init(capacity: Int) { self.capacity = capacity }

  /// The labels stored for `key`, or `make()`'s, stored.
  func labels(for key: Key, make: () -> [String]) -> [String] {
    if let known = entries.withLock({ $0[key] }) { return known }
    let made = make()
    entries.withLock { entries in
      if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
      entries[key] = made
    }
    return made
  }
}

/// What the row labels of a memorization program depend on: the names, the metric, the
/// favorable class, the kind of rows, and which cells are empty (they decide which groups define
/// a cell rate).
struct RowLabelKey: Hashable, Sendable {
  var groups: [String]
  var classes: [String]
  var metric: FairnessMetric
  var favorableClass: Int?
  var rows: MemorizationRows
  var emptyCells: [Bool]

  init<T: FieldScalar>(
    _ statistics: PopulationStatistics<T>, metric: FairnessMetric, options: MetricOptions, rows: MemorizationRows
  ) {
    groups = statistics.groups
    classes = statistics.classes
    self.metric = metric
    favorableClass = options.favorableClass
    self.rows = rows
    emptyCells = statistics.population.flatMap { $0.map(\.isZero) }
  }
}

/// The memos of `MemorizationProgram` (generic types cannot have static stored properties).
let rowLabelMemo = LabelMemo<RowLabelKey>(capacity: 256)
/// Variable names `x[group][class]`, by (groups, classes).
let variableNameMemo = LabelMemo<[[String]]>(capacity: 256)
