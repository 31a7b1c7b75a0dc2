import Foundation
public import SeededRandom

/// CSV files for the own-data (`--csv`) tests: a built-in dataset written out as a plain CSV by
/// an independent route (Foundation string handling, not FairnessData's loader), and small seeded
/// tables.
public enum OwnDataFixtures {
  /// The raw-data directory: `FAIRMEM_DATA_DIR` when set, otherwise `<repo>/Data/raw`.
  public static var dataDirectory: String {
    ProcessInfo.processInfo.environment["FAIRMEM_DATA_DIR"]
      ?? CLIRunner.packageRoot.appendingPathComponent("Data/raw").path
  }

  /// Whether `german.data` is present (the equality tests need it).
  public static var germanAvailable: Bool {
    FileManager.default.fileExists(atPath: dataDirectory + "/german.data")
  }

  /// UCI German credit's 21 columns (`Docs/datasets.md`).
  static let germanColumns = [
    "checking_status", "duration_months", "credit_history", "purpose", "credit_amount", "savings",
    "employment_since", "installment_rate", "personal_status_sex", "other_debtors", "residence_since",
    "property", "age", "other_installment_plans", "housing", "existing_credits", "job", "people_liable",
    "telephone", "foreign_worker", "credit_risk",
  ]

  /// `german.data` as a CSV with a header: the 19 feature columns in file order, then `sex`
  /// (`female` for A92/A95, `male` otherwise) and `credit_risk` (`good` for 1, `bad` for 2), rows
  /// in file order. Read with `--label credit_risk --group sex --positive bad`, it must give the
  /// built-in German (sex) dataset.
  public static func germanCSV() throws -> String {
    let text = try String(contentsOfFile: dataDirectory + "/german.data", encoding: .utf8)
    let features = germanColumns.filter { $0 != "personal_status_sex" && $0 != "credit_risk" }
    var lines = [(features + ["sex", "credit_risk"]).joined(separator: ",")]
    for line in text.split(whereSeparator: \.isNewline) where !line.allSatisfy(\.isWhitespace) {
      let fields = line.split(separator: " ").map(String.init)
      precondition(fields.count == germanColumns.count, "german.data row with \(fields.count) fields")
      let row = Dictionary(uniqueKeysWithValues: zip(germanColumns, fields))
      let sex = ["A92", "A95"].contains(row["personal_status_sex"]!) ? "female" : "male"
      let risk = row["credit_risk"] == "1" ? "good" : "bad"
      lines.append((features.map { row[$0]! } + [sex, risk]).joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A seeded table of `rows` records: groups `a`/`b` (30% `b`), a binary label `yes`/`no` whose
  /// rate depends on the group and on two numeric features, a categorical `city` and an integer
  /// `year` code (to be read with `--categorical year`).
  public static func seededCSV(rows: Int, using rng: inout SplitMix64) -> String {
    var lines = ["income,city,year,group,debt,outcome"]
    for _ in 0..<rows {
      let group = rng.unitInterval() < 0.3 ? "b" : "a"
      let income = rng.nextStandardNormal() + (group == "a" ? 0.5 : 0)
      let debt = rng.nextStandardNormal()
      let city = ["north", "south", "east"][rng.uniformIndex(below: 3)]
      let year = 2000 + rng.uniformIndex(below: 3)
      let score = 1.2 * income - 0.8 * debt + (city == "north" ? 0.3 : 0) + 0.3 * rng.nextStandardNormal()
      let outcome = score > 0.2 ? "yes" : "no"
      lines.append(
        "\(String(format: "%.4f", income)),\(city),\(year),\(group),\(String(format: "%.4f", debt)),\(outcome)")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
