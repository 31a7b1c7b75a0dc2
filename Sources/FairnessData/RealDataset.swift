import SeededRandom

/// Options shared by the real-dataset loaders.
public struct RealDatasetOptions: Sendable, Equatable, Hashable {
  /// Seed of the stratified split (and of nothing else: parsing is deterministic).
  public var seed: UInt64
  /// Validation and test fractions. For Adult the official test file is the test part, so only
  /// `validation` is used: that fraction of the official training file becomes validation.
  public var fractions: SplitFractions
  /// Also use the sensitive attribute's source column as a feature (off by default: Adult `sex`,
  /// COMPAS `race`, German `personal_status_sex` or `age`).
  public var includeSensitiveAttribute: Bool
  /// Add COMPAS's `decile_score` (the COMPAS risk score itself) as a feature. Off by default:
  /// the score is a model output, so using it leaks another model's prediction into the features.
  public var includeCompasDecileScore: Bool
  /// Verify each file's SHA-256 against `RealDataset.expectedSHA256` before parsing.
  public var verifyChecksums: Bool

  /// Creates options; the defaults are seed 0, 70/15/15 fractions, no sensitive attribute or
  /// decile score among the features, checksums verified.
  public init(
    seed: UInt64 = 0, fractions: SplitFractions = SplitFractions(), includeSensitiveAttribute: Bool = false,
    includeCompasDecileScore: Bool = false, verifyChecksums: Bool = true
  ) {
    self.seed = seed
    self.fractions = fractions
    self.includeSensitiveAttribute = includeSensitiveAttribute
    self.includeCompasDecileScore = includeCompasDecileScore
    self.verifyChecksums = verifyChecksums
  }
}

/// The real benchmark datasets, fetched by `Scripts/fetch-datasets.sh` into `Data/raw/`, with
/// the preprocessing documented in Docs/datasets.md.
public enum RealDataset: Sendable, Hashable, CustomStringConvertible {
  /// UCI Adult (1994 census income): label `>50K`, group `sex` (Female = 0, Male = 1); official
  /// train/test files, rows with `?` dropped.
  case adult
  /// ProPublica COMPAS two-year recidivism with ProPublica's filters: label `two_year_recid`,
  /// group `race`.
  case compas(CompasGroups)
  /// UCI German credit (Statlog): label good (0) / bad (1) credit, group sex or age.
  case german(GermanAttribute)

  /// Which races form the COMPAS groups.
  public enum CompasGroups: Sendable, Hashable {
    /// African-American (0) and Caucasian (1) defendants only, as in ProPublica's analysis.
    case twoRaces
    /// All six races, in alphabetical order (African-American, Asian, Caucasian, Hispanic,
    /// Native American, Other).
    case allRaces
  }

  /// The sensitive attribute of German credit.
  public enum GermanAttribute: Sendable, Hashable {
    /// Sex from the personal-status code: A92, A95 female (0); A91, A93, A94 male (1).
    case sex
    /// Age below 25 years (group 0) versus 25 and older (group 1).
    case age
  }

  /// Every dataset variant.
  public static let allCases: [RealDataset] = [
    .adult, .compas(.twoRaces), .compas(.allRaces), .german(.sex), .german(.age),
  ]

  /// The default directory of the raw files, relative to the repository root.
  public static let defaultDirectory = "Data/raw"

  /// SHA-256 of every raw file (the same values as `Data/checksums.sha256`).
  public static let expectedSHA256: [String: String] = [
    "adult.data": "5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d",
    "adult.test": "a2a9044bc167a35b2361efbabec64e89d69ce82d9790d2980119aac5fd7e9c05",
    "compas-scores-two-years.csv": "c451db85908b2f7fef1d83203bedf6b71ecda0d5af468d82ae62178f91d0cc7d",
    "german.data": "b21f3d81db8071257d5ff1deaeba1fd4303b62712e6fcc9715c7a86202cb5871",
  ]

  /// A short identifier: `adult`, `compas-two-races`, `compas-all-races`, `german-sex`,
  /// `german-age`.
  public var description: String {
    switch self {
    case .adult: "adult"
    case .compas(.twoRaces): "compas-two-races"
    case .compas(.allRaces): "compas-all-races"
    case .german(.sex): "german-sex"
    case .german(.age): "german-age"
    }
  }

  /// The raw files this dataset needs, in `directory`.
  public var fileNames: [String] {
    switch self {
    case .adult: ["adult.data", "adult.test"]
    case .compas: ["compas-scores-two-years.csv"]
    case .german: ["german.data"]
    }
  }

  /// Loads, filters, encodes, splits (seeded, stratified by label x group) and standardizes the
  /// dataset. Adult's test part is the official test file; its validation part is carved from
  /// the official training file.
  ///
  /// - Throws: `.missingFile` (run `bash Scripts/fetch-datasets.sh`), `.checksumMismatch`,
  ///   `.malformedRow`, `.unknownColumn` (a file of the wrong format), `.emptyGroupInSplit`.
  public func load(
    from directory: String = RealDataset.defaultDirectory, options: RealDatasetOptions = RealDatasetOptions()
  )
    throws(FairnessDataError) -> PreparedData
  {
    try options.fractions.validate()
    let (table, trainFileRows) = try encodeWithOrigin(from: directory, options: options)
    var rng = SplitMix64(seed: options.seed)
    switch self {
    case .adult:
      // Rows from adult.data come first in the table; adult.test rows are the test part.
      let trainRows = (0..<table.dataset.rowCount).filter { table.sourceRows[$0] < trainFileRows }
      let testRows = (0..<table.dataset.rowCount).filter { table.sourceRows[$0] >= trainFileRows }
      let v = options.fractions.validation
      let parts = table.dataset.subset(trainRows).stratifiedPartition(weights: [1 - v, v], using: &rng)
      let indices = SplitIndices(
        train: parts[0].map { trainRows[$0] }, validation: parts[1].map { trainRows[$0] }, test: testRows)
      try table.dataset.checkGroups(
        [("train", indices.train), ("validation", indices.validation), ("test", indices.test)],
        required: [true, v > 0, true])
      return try table.prepare(indices: indices)
    case .compas, .german:
      return try table.prepare(fractions: options.fractions, using: &rng)
    }
  }

  /// The filtered, encoded (unsplit, unstandardized) table. For Adult the rows of `adult.data`
  /// come first, then those of `adult.test`.
  public func encode(
    from directory: String = RealDataset.defaultDirectory, options: RealDatasetOptions = RealDatasetOptions()
  )
    throws(FairnessDataError) -> EncodedTable
  {
    try encodeWithOrigin(from: directory, options: options).table
  }

  /// Checks that every file of `names` exists in `directory` and has the expected SHA-256.
  ///
  /// - Throws: `.missingFile` or `.checksumMismatch` for the first bad file.
  public static func verifyFiles(_ names: [String], in directory: String = RealDataset.defaultDirectory)
    throws(FairnessDataError)
  {
    for name in names { _ = try readVerified(name, in: directory, verify: true) }
  }

  /// Whether every raw file of `datasets` exists in `directory` (without verifying checksums).
  public static func filesPresent(for datasets: [RealDataset] = allCases, in directory: String = defaultDirectory)
    -> Bool
  {
    datasets.flatMap(\.fileNames).allSatisfy { fileExists(join(directory, $0)) }
  }

  // MARK: - Implementation

  static func join(_ directory: String, _ name: String) -> String {
    directory.isEmpty ? name : (directory.hasSuffix("/") ? directory + name : directory + "/" + name)
  }

  static func readVerified(_ name: String, in directory: String, verify: Bool) throws(FairnessDataError) -> (
    path: String, bytes: [UInt8]
  ) {
    let path = join(directory, name)
    let bytes = try readFile(path)
    if verify, let expected = expectedSHA256[name] {
      let actual = SHA256.hexDigest(of: bytes)
      if actual != expected { throw .checksumMismatch(path: path, expected: expected, actual: actual) }
    }
    return (path, bytes)
  }

  /// The encoded table and the number of rows of the first (training) file.
  func encodeWithOrigin(from directory: String, options: RealDatasetOptions) throws(FairnessDataError) -> (
    table: EncodedTable, trainFileRows: Int
  ) {
    switch self {
    case .adult: return try Self.encodeAdult(directory, options)
    case .compas(let groups):
      let table = try Self.encodeCompas(directory, options, groups)
      return (table, table.dataset.rowCount)
    case .german(let attribute):
      let table = try Self.encodeGerman(directory, options, attribute)
      return (table, table.dataset.rowCount)
    }
  }

  static let adultColumns = [
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
    "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income",
  ]
  static let adultNumeric: Set<String> = [
    "age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week",
  ]

  static func encodeAdult(_ directory: String, _ options: RealDatasetOptions) throws(FairnessDataError) -> (
    table: EncodedTable, trainFileRows: Int
  ) {
    let train = try readVerified("adult.data", in: directory, verify: options.verifyChecksums)
    let test = try readVerified("adult.test", in: directory, verify: options.verifyChecksums)
    var table = try CSVTable(
      bytes: train.bytes, source: train.path, format: CSVFormat(hasHeader: false, columnNames: adultColumns))
    let trainRows = table.rowCount
    // adult.test starts with the line "|1x3 Cross validator" and its labels end with '.'.
    let testTable = try CSVTable(
      bytes: test.bytes, source: test.path,
      format: CSVFormat(hasHeader: false, columnNames: adultColumns, skipLeadingLines: 1))
    table.append(rowsOf: testTable)
    // Drop every row with a '?' in any column (not only the used ones).
    let keep = table.rowsContainingField("?").map { !$0 }
    // fnlwgt is a census sampling weight, not an attribute of the person: not a feature.
    var features = adultColumns.filter { $0 != "fnlwgt" && $0 != "income" }
    if !options.includeSensitiveAttribute { features.removeAll { $0 == "sex" } }
    var csv = CSVDatasetOptions(labelColumn: "income", groupColumns: ["sex"], featureColumns: features, name: "adult")
    csv.columnKinds = Dictionary(
      uniqueKeysWithValues: features.map { ($0, adultNumeric.contains($0) ? ColumnKind.numeric : .categorical) })
    csv.missingValues = ["?"]
    csv.labelMapping = { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
    csv.classOrder = ["<=50K", ">50K"]
    csv.groupOrder = ["Female", "Male"]
    return (try CSVDatasetLoader.encode(table, options: csv, keep: keep), trainRows)
  }

  static func encodeCompas(_ directory: String, _ options: RealDatasetOptions, _ groups: CompasGroups)
    throws(FairnessDataError) -> EncodedTable
  {
    let file = try readVerified("compas-scores-two-years.csv", in: directory, verify: options.verifyChecksums)
    let table = try CSVTable(bytes: file.bytes, source: file.path)
    // ProPublica's filters (compas-analysis notebook): charge within 30 days of screening, a
    // known recidivism outcome, no ordinary traffic offence, a valid score.
    let days = table.column(try table.columnIndex(named: "days_b_screening_arrest"))
    let isRecid = table.column(try table.columnIndex(named: "is_recid"))
    let degree = table.column(try table.columnIndex(named: "c_charge_degree"))
    let scoreText = table.column(try table.columnIndex(named: "score_text"))
    var keep = [Bool](repeating: false, count: table.rowCount)
    for r in 0..<table.rowCount {
      guard let d = Double(days[r]), abs(d) <= 30 else { continue }
      keep[r] = isRecid[r] != "-1" && degree[r] != "O" && scoreText[r] != "N/A"
    }
    let numeric = ["age", "juv_fel_count", "juv_misd_count", "juv_other_count", "priors_count"]
    var features = [
      "sex", "age", "age_cat", "juv_fel_count", "juv_misd_count", "juv_other_count", "priors_count", "c_charge_degree",
    ]
    if options.includeSensitiveAttribute { features.append("race") }
    if options.includeCompasDecileScore { features.append("decile_score") }
    let name = groups == .twoRaces ? "compas-two-races" : "compas-all-races"
    var csv = CSVDatasetOptions(
      labelColumn: "two_year_recid", groupColumns: ["race"], featureColumns: features, name: name)
    csv.columnKinds = Dictionary(
      uniqueKeysWithValues: features.map {
        ($0, numeric.contains($0) || $0 == "decile_score" ? ColumnKind.numeric : .categorical)
      })
    csv.missingValues = [""]
    csv.missingValuePolicy = .fail
    csv.labelMapping = { $0 == "0" ? "no recidivism" : $0 == "1" ? "recidivism within two years" : $0 }
    csv.classOrder = ["no recidivism", "recidivism within two years"]
    if groups == .twoRaces { csv.groupOrder = ["African-American", "Caucasian"] }
    return try CSVDatasetLoader.encode(table, options: csv, keep: keep)
  }

  static let germanColumns = [
    "checking_status", "duration_months", "credit_history", "purpose", "credit_amount", "savings",
    "employment_since", "installment_rate", "personal_status_sex", "other_debtors", "residence_since",
    "property", "age", "other_installment_plans", "housing", "existing_credits", "job", "people_liable",
    "telephone", "foreign_worker", "credit_risk",
  ]
  static let germanNumeric: Set<String> = [
    "duration_months", "credit_amount", "installment_rate", "residence_since", "age", "existing_credits",
    "people_liable",
  ]

  static func encodeGerman(_ directory: String, _ options: RealDatasetOptions, _ attribute: GermanAttribute)
    throws(FairnessDataError) -> EncodedTable
  {
    let file = try readVerified("german.data", in: directory, verify: options.verifyChecksums)
    let table = try CSVTable(
      bytes: file.bytes, source: file.path,
      format: CSVFormat(delimiter: " ", hasHeader: false, columnNames: germanColumns))
    let groupColumn = attribute == .sex ? "personal_status_sex" : "age"
    // Report (rather than silently drop) a row whose group cannot be determined.
    let groupIndex = try table.columnIndex(named: groupColumn)
    for r in 0..<table.rowCount {
      let value = table.string(row: r, column: groupIndex)
      let valid =
        attribute == .sex ? ["A91", "A92", "A93", "A94", "A95"].contains(value) : Double(value)?.isFinite == true
      if !valid {
        throw .malformedRow(
          file: file.path, line: table.lineNumbers[r],
          problem: attribute == .sex
            ? "personal status code '\(value)' is not one of A91 ... A95"
            : "age '\(value)' is not a number")
      }
    }
    var features = germanColumns.filter { $0 != "credit_risk" }
    if !options.includeSensitiveAttribute { features.removeAll { $0 == groupColumn } }
    var csv = CSVDatasetOptions(
      labelColumn: "credit_risk", groupColumns: [groupColumn], featureColumns: features,
      name: attribute == .sex ? "german-sex" : "german-age")
    csv.columnKinds = Dictionary(
      uniqueKeysWithValues: features.map { ($0, germanNumeric.contains($0) ? ColumnKind.numeric : .categorical) })
    csv.missingValues = []
    csv.labelMapping = { $0 == "1" ? "good" : $0 == "2" ? "bad" : $0 }
    csv.classOrder = ["good", "bad"]
    switch attribute {
    case .sex:
      // UCI: A91 male divorced/separated, A92 female divorced/separated/married, A93 male single,
      // A94 male married/widowed, A95 female single.
      csv.groupMapping = { values in
        switch values[0] {
        case "A92", "A95": "female"
        case "A91", "A93", "A94": "male"
        default: nil
        }
      }
      csv.groupOrder = ["female", "male"]
    case .age:
      csv.groupMapping = { values in Double(values[0]).map { $0 < 25 ? "age < 25" : "age >= 25" } }
      csv.groupOrder = ["age < 25", "age >= 25"]
    }
    return try CSVDatasetLoader.encode(table, options: csv, keep: nil)
  }
}
