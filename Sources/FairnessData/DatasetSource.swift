/// A user's own CSV file used as a dataset by the empirical commands (`--csv FILE --label COL
/// --group COL... [--features COL...] [--categorical COL...] [--positive VALUE]`).
///
/// The file is read by the generic loader (``CSVDatasetLoader``) with strict settings: every used
/// cell must be present (a blank, `?`, `NA`, `N/A`, `NaN` or `nan` cell is an error naming the line
/// and column, never a silently dropped row), numeric feature columns must hold finite numbers,
/// and the label must have at least two values. Splits and standardisation are the built-in
/// datasets' (``EncodedTable/prepare(fractions:seed:)``: seeded, stratified by label x group,
/// numeric features z-scored with training statistics only).
public struct CSVDatasetSource: Sendable, Hashable {
  /// The file, as the user gave it.
  public var path: String
  /// The class label column.
  public var labelColumn: String
  /// The sensitive-group columns; several give intersectional groups named `"a & b"`.
  public var groupColumns: [String]
  /// The feature columns in order; `nil` uses every column except the label and group columns.
  public var featureColumns: [String]?
  /// Feature columns one-hot encoded even though their values are numbers (codes, years).
  public var categoricalColumns: [String]
  /// The label value that is class 1 of a binary task; `nil` orders the label values
  /// (numerically when all are numbers) and keeps every one of them as a class.
  public var positiveLabel: String?

  /// The texts that count as a missing cell.
  public static let missingValues: Set<String> = ["", "?", "NA", "N/A", "NaN", "nan"]

  public init(
    path: String, labelColumn: String, groupColumns: [String], featureColumns: [String]? = nil,
    categoricalColumns: [String] = [], positiveLabel: String? = nil
  ) {
    self.path = path
    self.labelColumn = labelColumn
    self.groupColumns = groupColumns
    self.featureColumns = featureColumns
    self.categoricalColumns = categoricalColumns
    self.positiveLabel = positiveLabel
  }

  /// The file name without its directory: the dataset's name in reports.
  public var name: String {
    path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
  }

  /// Reads and encodes the file (unsplit, unstandardized).
  ///
  /// - Throws: ``FairnessDataError`` naming the file, line and column: `.missingFile`,
  ///   `.unknownColumn`, `.conflictingColumn` (a column used twice, or `--categorical` on a column
  ///   that is not a feature), `.missingValue` (a blank or NaN cell), `.nonFiniteValue`,
  ///   `.malformedRow` (a non-number in a numeric column), `.invalidParameter` named after the
  ///   label column (fewer than two values, more than two with a positive value, a positive value
  ///   that does not occur).
  public func encode() throws(FairnessDataError) -> EncodedTable {
    let table: CSVTable
    do throws(FairnessDataError) {
      table = try CSVTable(contentsOfFile: path)
    } catch .missingFile(let path) {
      throw .unreadableFile(path: path, reason: "no such file")
    }
    var options = CSVDatasetOptions(
      labelColumn: labelColumn, groupColumns: groupColumns, featureColumns: featureColumns, name: name)
    options.missingValues = Self.missingValues
    options.missingValuePolicy = .fail
    let featureNames =
      featureColumns ?? table.header.filter { $0 != labelColumn && !groupColumns.contains($0) }
    for column in categoricalColumns {
      _ = try table.columnIndex(named: column)
      guard featureNames.contains(column) else {
        throw .conflictingColumn(name: column, problem: "is listed as categorical but is not a feature column")
      }
      options.columnKinds[column] = .categorical
    }
    options.classOrder = try classOrder(table)
    return try CSVDatasetLoader.encode(table, options: options)
  }

  /// The classes: `[other value, positive value]` when a positive value is declared, otherwise
  /// the loader's order. Checks the number of distinct (non-missing) label values.
  func classOrder(_ table: CSVTable) throws(FairnessDataError) -> [String]? {
    let values = table.column(try table.columnIndex(named: labelColumn))
    let distinct = CSVDatasetLoader.sortedValues(Set(values.filter { !Self.missingValues.contains($0) }))
    guard distinct.count >= 2 || distinct.isEmpty else {
      throw .invalidParameter(
        name: labelColumn, problem: "the label column has the single value '\(distinct[0])'; a task needs two classes")
    }
    guard let positive = positiveLabel else { return nil }
    guard distinct.contains(positive) else {
      throw .invalidParameter(
        name: labelColumn,
        problem: "the positive label '\(positive)' does not occur; values: \(distinct.joined(separator: ", "))")
    }
    guard distinct.count == 2 else {
      let line = table.lineNumbers[values.firstIndex { $0 == distinct[2] }!]
      let shown = distinct.prefix(10).joined(separator: ", ") + (distinct.count > 10 ? ", ..." : "")
      throw .invalidParameter(
        name: labelColumn,
        problem:
          "the label column has \(distinct.count) values (\(shown); line \(line) of \(table.source) holds '\(distinct[2])') but --positive declares a binary label"
      )
    }
    return distinct.filter { $0 != positive } + [positive]
  }

  /// Encodes, splits (seeded, stratified by label x group) and standardizes (training statistics).
  public func prepare(seed: UInt64, fractions: SplitFractions) throws(FairnessDataError) -> PreparedData {
    try fractions.validate()
    return try encode().prepare(fractions: fractions, seed: seed)
  }
}

/// Where an empirical command's data comes from: a built-in benchmark or the user's own CSV.
///
/// The one dataset-source vocabulary of `validate`, `reweight`, `compare`, `groupfree` and
/// `steer`, parsed once by the CLI and resolved here. In JSON a benchmark is its name (as before)
/// and a CSV source is an object `{"csv": path, "label": ..., "groups": [...], "features": [...]
/// or null, "categorical": [...], "positive": ... or null}`.
public enum DatasetSource: Sendable, Hashable {
  case benchmark(BenchmarkDataset)
  case csv(CSVDatasetSource)

  /// The built-in benchmarks by name (`.adult`, `.syntheticGroupSize`, ...).
  public static let adult = benchmark(.adult)
  public static let compas = benchmark(.compas)
  public static let german = benchmark(.german)
  public static let syntheticGroupSize = benchmark(.syntheticGroupSize)
  public static let syntheticDistributionShift = benchmark(.syntheticDistributionShift)
  public static let syntheticClassSize = benchmark(.syntheticClassSize)

  /// The name in reports: the benchmark's name or the CSV file's name.
  public var name: String {
    switch self {
    case .benchmark(let dataset): dataset.rawValue
    case .csv(let source): source.name
    }
  }

  /// The name tables print (`Adult`, `COMPAS`, `German`, a synthetic name or the file's name).
  public var displayName: String {
    switch self {
    case .benchmark(let dataset): dataset.displayName
    case .csv(let source): source.name
    }
  }

  /// Whether this is one of the synthetic benchmarks (drawn, not read).
  public var isSynthetic: Bool {
    if case .benchmark(let dataset) = self { return dataset.isSynthetic }
    return false
  }

  /// The built-in benchmark, or nil for a CSV source.
  public var benchmark: BenchmarkDataset? {
    if case .benchmark(let dataset) = self { return dataset }
    return nil
  }

  /// The CSV source, or nil for a built-in benchmark.
  public var csvSource: CSVDatasetSource? {
    if case .csv(let source) = self { return source }
    return nil
  }

  /// Loads a table-backed source, splits it with `fractions` (seed `seed`) and standardizes it:
  /// ``RealDataset/load(from:options:)`` for a real benchmark (files in `directory`), the CSV
  /// source's ``CSVDatasetSource/prepare(seed:fractions:)`` otherwise.
  ///
  /// - Throws: `.invalidParameter` (`dataset`) for a synthetic benchmark, data errors otherwise.
  public func prepare(seed: UInt64, fractions: SplitFractions, directory: String = RealDataset.defaultDirectory)
    throws(FairnessDataError) -> PreparedData
  {
    switch self {
    case .csv(let source): return try source.prepare(seed: seed, fractions: fractions)
    case .benchmark(let dataset):
      guard let real = dataset.realDataset else {
        throw .invalidParameter(name: "dataset", problem: "\(dataset.rawValue) is synthetic and has no table")
      }
      return try real.load(from: directory, options: RealDatasetOptions(seed: seed, fractions: fractions))
    }
  }
}

extension DatasetSource: Codable {
  enum CodingKeys: String, CodingKey {
    case csv, label, groups, features, categorical, positive
  }

  public init(from decoder: any Decoder) throws {
    if let name = try? decoder.singleValueContainer().decode(String.self) {
      guard let dataset = BenchmarkDataset(rawValue: name) else {
        throw DecodingError.dataCorrupted(
          .init(codingPath: decoder.codingPath, debugDescription: "unknown dataset '\(name)'"))
      }
      self = .benchmark(dataset)
      return
    }
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self = .csv(
      CSVDatasetSource(
        path: try c.decode(String.self, forKey: .csv), labelColumn: try c.decode(String.self, forKey: .label),
        groupColumns: try c.decode([String].self, forKey: .groups),
        featureColumns: try c.decodeIfPresent([String].self, forKey: .features),
        categoricalColumns: try c.decode([String].self, forKey: .categorical),
        positiveLabel: try c.decodeIfPresent(String.self, forKey: .positive)))
  }

  public func encode(to encoder: any Encoder) throws {
    switch self {
    case .benchmark(let dataset):
      var c = encoder.singleValueContainer()
      try c.encode(dataset.rawValue)
    case .csv(let source):
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(source.path, forKey: .csv)
      try c.encode(source.labelColumn, forKey: .label)
      try c.encode(source.groupColumns, forKey: .groups)
      try c.encode(source.featureColumns, forKey: .features)
      try c.encode(source.categoricalColumns, forKey: .categorical)
      try c.encode(source.positiveLabel, forKey: .positive)
    }
  }
}
