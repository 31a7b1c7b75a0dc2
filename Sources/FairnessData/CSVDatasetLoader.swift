import SeededRandom

/// Whether a feature column is used as a number or one-hot encoded.
public enum ColumnKind: Sendable, Equatable, Hashable {
  /// Parsed as a `Double` and used as one feature (standardized by `PreparedData`).
  case numeric
  /// One indicator feature per distinct value (level).
  case categorical
}

/// What to do with a row that has a missing value in a column that is used.
public enum MissingValuePolicy: Sendable, Equatable, Hashable {
  /// Skip the row (the number of skipped rows is reported in `EncodedTable.droppedRowCount`).
  case dropRow
  /// Stop with `FairnessDataError.missingValue` naming the line and column.
  case fail
}

/// How to turn a CSV table into a `Dataset`: which column is the label, which columns define the
/// groups, which columns are features and how to read them.
public struct CSVDatasetOptions: Sendable {
  /// The column holding the class label (always treated as categorical).
  public var labelColumn: String
  /// The columns defining the sensitive group; several columns give intersectional groups, one
  /// per combination of values that occurs (named `"a & b"` unless `groupMapping` is set).
  public var groupColumns: [String]
  /// The feature columns in order; `nil` uses every column except the label and group columns.
  /// A group column may be listed explicitly to use the sensitive attribute as a feature too.
  public var featureColumns: [String]?
  /// Per-column kind overrides; other feature columns are numeric exactly when every
  /// non-missing value parses as a number.
  public var columnKinds: [String: ColumnKind]
  /// Field texts that mean "missing" (compared after whitespace trimming).
  public var missingValues: Set<String>
  /// What to do with a row that has a missing value in a used column.
  public var missingValuePolicy: MissingValuePolicy
  /// Class names in label order; `nil` sorts the distinct (mapped) label values (numerically
  /// when they are all numbers). A label value not in the list is an error.
  public var classOrder: [String]?
  /// Group names in group order; `nil` sorts the distinct group names. When given, rows whose
  /// group is not listed are dropped (for example to keep two races out of six).
  public var groupOrder: [String]?
  /// Maps a raw label text to a class name (for example to strip a trailing period).
  public var labelMapping: (@Sendable (String) -> String)?
  /// Maps the raw values of the group columns to a group name, or `nil` to drop the row.
  public var groupMapping: (@Sendable ([String]) -> String?)?
  /// The file dialect.
  public var format: CSVFormat
  /// The name given to the resulting dataset.
  public var name: String?

  /// Creates options with the given label and group columns and default everything else:
  /// all other columns as features, kinds detected, `""`, `"?"`, `"NA"` and `"N/A"` missing,
  /// rows with missing values dropped.
  public init(
    labelColumn: String, groupColumns: [String], featureColumns: [String]? = nil,
    format: CSVFormat = CSVFormat(), name: String? = nil
  ) {
    self.labelColumn = labelColumn
    self.groupColumns = groupColumns
    self.featureColumns = featureColumns
    self.columnKinds = [:]
    self.missingValues = ["", "?", "NA", "N/A"]
    self.missingValuePolicy = .dropRow
    self.classOrder = nil
    self.groupOrder = nil
    self.labelMapping = nil
    self.groupMapping = nil
    self.format = format
    self.name = name
  }
}

/// One source column after encoding: its kind, its levels and the features it became.
public struct EncodedColumn: Sendable, Equatable, Hashable {
  /// The column name in the source table.
  public let name: String
  /// Numeric (one feature) or categorical (one feature per level).
  public let kind: ColumnKind
  /// The feature indices produced by this column.
  public let featureRange: Range<Int>
  /// For a categorical column, the level of each of its features, in order; empty for numeric.
  public let levels: [String]
}

/// A table encoded as a `Dataset` (one-hot categoricals, raw numerics) before splitting.
public struct EncodedTable: Sendable {
  /// All kept rows; numeric features are not yet standardized.
  public let dataset: Dataset
  /// How each feature column was encoded.
  public let columns: [EncodedColumn]
  /// For every dataset row, its row index in the source table.
  public let sourceRows: [Int]
  /// For every dataset row, its 1-based line in the source file.
  public let sourceLines: [Int]
  /// Rows of the source table that were dropped (missing values, filters, excluded groups).
  public let droppedRowCount: Int

  /// The indices of numeric features (the ones `prepare` standardizes).
  public var numericFeatureIndices: [Int] {
    columns.filter { $0.kind == .numeric }.map(\.featureRange.lowerBound)
  }

  /// Splits the rows (seeded, stratified by label x group) and standardizes the numeric
  /// features with statistics of the training part only.
  public func prepare(
    fractions: SplitFractions = SplitFractions(), using rng: inout some RandomNumberGenerator
  ) throws(FairnessDataError) -> PreparedData {
    let indices = try dataset.stratifiedSplitIndices(fractions: fractions, using: &rng)
    return try prepare(indices: indices)
  }

  /// `prepare(fractions:using:)` with `SplitMix64(seed: seed)`.
  public func prepare(fractions: SplitFractions = SplitFractions(), seed: UInt64)
    throws(FairnessDataError) -> PreparedData
  {
    var rng = SplitMix64(seed: seed)
    return try prepare(fractions: fractions, using: &rng)
  }

  /// Standardizes given split indices (train statistics only); the caller has checked that every
  /// group is present in every part that should have rows.
  func prepare(indices: SplitIndices) throws(FairnessDataError) -> PreparedData {
    let raw = Split(
      train: dataset.subset(indices.train, name: dataset.partName("train")),
      validation: dataset.subset(indices.validation, name: dataset.partName("validation")),
      test: dataset.subset(indices.test, name: dataset.partName("test")))
    let standardizer = try Standardizer(fitting: raw.train, columns: numericFeatureIndices)
    return PreparedData(
      split: standardizer.apply(to: raw), standardizer: standardizer, columns: columns,
      splitIndices: indices, encoded: self)
  }
}

/// A dataset ready for modelling: stratified train/validation/test parts with numeric features
/// standardized using training statistics, plus everything needed to trace rows back.
public struct PreparedData: Sendable {
  /// The standardized parts.
  public let split: Split
  /// The standardization fitted on `split.train` (apply it to new data of the same table).
  public let standardizer: Standardizer
  /// How each source column was encoded.
  public let columns: [EncodedColumn]
  /// Rows of `encoded.dataset` that went into each part.
  public let splitIndices: SplitIndices
  /// The encoded, unstandardized table the parts were cut from.
  public let encoded: EncodedTable

  /// The indices of the numeric (standardized) features.
  public var numericFeatureIndices: [Int] { standardizer.columns }
}

/// Loads a user's own CSV file (or text) as an `EncodedTable`.
///
/// ```swift
/// var options = CSVDatasetOptions(labelColumn: "outcome", groupColumns: ["sex", "race"])
/// options.columnKinds["zip"] = .categorical
/// let table = try CSVDatasetLoader.load(contentsOfFile: "my.csv", options: options)
/// let data = try table.prepare(seed: 7)
/// ```
public enum CSVDatasetLoader {
  /// Reads, parses and encodes the file at `path`.
  public static func load(contentsOfFile path: String, options: CSVDatasetOptions)
    throws(FairnessDataError) -> EncodedTable
  {
    try encode(CSVTable(contentsOfFile: path, format: options.format), options: options)
  }

  /// Parses and encodes CSV `text`; `source` names it in error messages.
  public static func load(text: String, source: String = "<text>", options: CSVDatasetOptions)
    throws(FairnessDataError) -> EncodedTable
  {
    try encode(CSVTable(text: text, source: source, format: options.format), options: options)
  }

  /// Encodes an already parsed table.
  ///
  /// - Throws: `.unknownColumn`, `.conflictingColumn`, `.missingValue` (policy `.fail`),
  ///   `.malformedRow` (a label outside `classOrder`, a non-number in a column forced numeric),
  ///   `.nonFiniteValue` (NaN or infinity in a numeric column), `.emptyTable` (no rows left).
  public static func encode(_ table: CSVTable, options: CSVDatasetOptions) throws(FairnessDataError) -> EncodedTable {
    try encode(table, options: options, keep: nil)
  }

  /// The encoder; `keep` optionally pre-filters rows (used by the real-dataset loaders).
  static func encode(_ table: CSVTable, options: CSVDatasetOptions, keep: [Bool]?) throws(FairnessDataError)
    -> EncodedTable
  {
    let (labelIndex, groupIndices, featureIndices) = try resolveColumns(table, options: options)

    // Dictionary-encode every used column once.
    var used = [labelIndex] + groupIndices
    for j in featureIndices where !used.contains(j) { used.append(j) }
    var encoded = [Int: (codes: [Int], values: [String])]()
    for j in used { encoded[j] = table.dictionaryEncoded(column: j) }

    // Missing values.
    var kept = keep ?? [Bool](repeating: true, count: table.rowCount)
    precondition(kept.count == table.rowCount)
    for j in used {
      let column = encoded[j]!
      let missing = column.values.map { options.missingValues.contains($0) }
      guard missing.contains(true) else { continue }
      for r in 0..<table.rowCount where kept[r] && missing[column.codes[r]] {
        if options.missingValuePolicy == .fail {
          throw .missingValue(file: table.source, line: table.lineNumbers[r], column: table.header[j])
        }
        kept[r] = false
      }
    }

    // Groups.
    var groupNameOfRow = [String?](repeating: nil, count: table.rowCount)
    var groupCache = [[Int]: String?]()
    for r in 0..<table.rowCount where kept[r] {
      let key = groupIndices.map { encoded[$0]!.codes[r] }
      let name: String?
      if let cached = groupCache[key] {
        name = cached
      } else {
        let raw = zip(groupIndices, key).map { encoded[$0.0]!.values[$0.1] }
        let mapped = options.groupMapping.map { $0(raw) } ?? raw.joined(separator: " & ")
        let allowed = mapped.flatMap { m in options.groupOrder.map { $0.contains(m) ? m : nil } ?? m }
        groupCache[key] = .some(allowed)
        name = allowed
      }
      if let name { groupNameOfRow[r] = name } else { kept[r] = false }
    }
    let rows = (0..<table.rowCount).filter { kept[$0] }
    guard !rows.isEmpty else { throw .emptyTable(file: table.source) }
    let groupNames = options.groupOrder ?? sortedValues(Set(rows.map { groupNameOfRow[$0]! }))
    let groupIndexOf = Dictionary(uniqueKeysWithValues: groupNames.enumerated().map { ($1, $0) })

    // Labels.
    let labelColumn = encoded[labelIndex]!
    let mappedLabels = labelColumn.values.map { options.labelMapping?($0) ?? $0 }
    var usedLabelCodes = Set<Int>()
    for r in rows { usedLabelCodes.insert(labelColumn.codes[r]) }
    let classNames = options.classOrder ?? sortedValues(Set(usedLabelCodes.map { mappedLabels[$0] }))
    let classIndexOf = Dictionary(classNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    var classOfCode = [Int](repeating: -1, count: labelColumn.values.count)
    for code in usedLabelCodes {
      guard let k = classIndexOf[mappedLabels[code]] else {
        let r = rows.first { labelColumn.codes[$0] == code }!
        throw .malformedRow(
          file: table.source, line: table.lineNumbers[r],
          problem:
            "label '\(labelColumn.values[code])' of column '\(options.labelColumn)' is not one of the classes \(classNames)"
        )
      }
      classOfCode[code] = k
    }

    let (columns, featureNames, plans) = try featurePlans(
      table, options: options, featureIndices: featureIndices, encoded: encoded, rows: rows)

    // Assemble.
    let width = featureNames.count
    var features = [Double](repeating: 0, count: rows.count * width)
    var labels = [Int]()
    labels.reserveCapacity(rows.count)
    var groups = [Int]()
    groups.reserveCapacity(rows.count)
    features.withUnsafeMutableBufferPointer { x in
      for (i, r) in rows.enumerated() {
        var offset = i * width
        for plan in plans {
          let code = plan.codes[r]
          if plan.kind == .numeric {
            x[offset] = plan.perCode[code]
          } else {
            x[offset + plan.levelOfCode[code]] = 1
          }
          offset += plan.width
        }
      }
    }
    for r in rows {
      labels.append(classOfCode[labelColumn.codes[r]])
      groups.append(groupIndexOf[groupNameOfRow[r]!]!)
    }
    let dataset = Dataset(
      unchecked: features, featureNames: featureNames, labels: labels, classNames: classNames,
      groups: groups, groupNames: groupNames, name: options.name)
    return EncodedTable(
      dataset: dataset, columns: columns, sourceRows: rows, sourceLines: rows.map { table.lineNumbers[$0] },
      droppedRowCount: table.rowCount - rows.count)
  }

  /// A feature column's encoding plan: the per-row codes, and per code the numeric value or the
  /// one-hot level (`width` features).
  typealias FeaturePlan = (codes: [Int], kind: ColumnKind, perCode: [Double], levelOfCode: [Int], width: Int)

  /// Encoding phase 1: the label, group and feature column indices, checked against each other.
  static func resolveColumns(_ table: CSVTable, options: CSVDatasetOptions) throws(FairnessDataError)
    -> (label: Int, groups: [Int], features: [Int])
  {
    let labelIndex = try table.columnIndex(named: options.labelColumn)
    guard !options.groupColumns.isEmpty else {
      throw .invalidParameter(name: "groupColumns", problem: "at least one group column is needed")
    }
    var groupIndices = [Int]()
    for name in options.groupColumns {
      let j = try table.columnIndex(named: name)
      if j == labelIndex {
        throw .conflictingColumn(name: name, problem: "it is the label column and cannot also define groups")
      }
      if groupIndices.contains(j) { throw .conflictingColumn(name: name, problem: "listed twice as a group column") }
      groupIndices.append(j)
    }
    var featureIndices = [Int]()
    if let names = options.featureColumns {
      for name in names {
        let j = try table.columnIndex(named: name)
        if j == labelIndex {
          throw .conflictingColumn(name: name, problem: "it is the label column and cannot also be a feature")
        }
        if featureIndices.contains(j) {
          throw .conflictingColumn(name: name, problem: "listed twice as a feature column")
        }
        featureIndices.append(j)
      }
    } else {
      featureIndices = (0..<table.columnCount).filter { $0 != labelIndex && !groupIndices.contains($0) }
    }
    for name in options.columnKinds.keys where !table.header.contains(name) {
      throw .unknownColumn(name: name, file: table.source, available: table.header)
    }

    return (labelIndex, groupIndices, featureIndices)
  }

  /// Encoding phase 4: each feature column's kind (detected or given), levels and plan, checked
  /// on the kept rows (numbers must parse and be finite).
  static func featurePlans(
    _ table: CSVTable, options: CSVDatasetOptions, featureIndices: [Int],
    encoded: [Int: (codes: [Int], values: [String])], rows: [Int]
  ) throws(FairnessDataError) -> (columns: [EncodedColumn], featureNames: [String], plans: [FeaturePlan]) {
    var columns = [EncodedColumn]()
    var featureNames = [String]()
    // For each feature column: numeric value per code, or level index per code.
    var plans = [FeaturePlan]()
    for j in featureIndices {
      let name = table.header[j]
      let column = encoded[j]!
      var usedCodes = [Bool](repeating: false, count: column.values.count)
      for r in rows { usedCodes[column.codes[r]] = true }
      let parsed = column.values.map { Double($0) }
      let detected: ColumnKind =
        column.values.indices.allSatisfy { !usedCodes[$0] || parsed[$0] != nil } ? .numeric : .categorical
      let kind = options.columnKinds[name] ?? detected
      let start = featureNames.count
      switch kind {
      case .numeric:
        for code in column.values.indices where usedCodes[code] {
          let line = table.lineNumbers[rows.first { column.codes[$0] == code }!]
          guard let value = parsed[code] else {
            throw .malformedRow(
              file: table.source, line: line,
              problem: "column '\(name)' is numeric but holds '\(column.values[code])', which is not a number")
          }
          guard value.isFinite else {
            throw .nonFiniteValue(file: table.source, line: line, column: name, text: column.values[code])
          }
        }
        featureNames.append(name)
        plans.append((column.codes, .numeric, parsed.map { $0 ?? 0 }, [], 1))
        columns.append(EncodedColumn(name: name, kind: .numeric, featureRange: start..<(start + 1), levels: []))
      case .categorical:
        let levels = sortedValues(Set(column.values.indices.filter { usedCodes[$0] }.map { column.values[$0] }))
        let levelIndex = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
        let levelOfCode = column.values.map { levelIndex[$0] ?? -1 }
        featureNames.append(contentsOf: levels.map { "\(name)=\($0)" })
        plans.append((column.codes, .categorical, [], levelOfCode, levels.count))
        columns.append(
          EncodedColumn(name: name, kind: .categorical, featureRange: start..<(start + levels.count), levels: levels))
      }
    }

    return (columns, featureNames, plans)
  }

  /// Sorts numerically when every value is a number, otherwise lexicographically.
  static func sortedValues(_ values: Set<String>) -> [String] {
    let numbers = values.map { Double($0) }
    if numbers.allSatisfy({ $0 != nil && !$0!.isNaN }) {
      return values.sorted { (Double($0)!, $0) < (Double($1)!, $1) }
    }
    return values.sorted()
  }
}
