import Foundation
import Testing
import _TestSupport

/// `fairmem steer` end to end: the shipped example specifications, the JSON schema, exit code 2
/// with the field named on bad input, and a quick dataset run.
@Suite(.serialized) struct SteerCommandTests {
  static var examples: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Examples")
  }

  @Test func exampleSpecificationSteersToAnIdealDistribution() throws {
    let spec = Self.examples.appendingPathComponent("steering-1d.json").path
    let text = try CLIRunner.run(["steer", spec])
    #expect(text.status == 0, "stderr: \(text.stderr)")
    #expect(text.stdout.contains("Bayes gaps exact (normal CDFs)"))
    let result = try CLIRunner.run(["steer", spec, "--json", "--reference", "B"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    for key in ["kl", "target_means", "target_covariances", "map", "gamma", "ideal_before", "ideal_after"] {
      #expect(object[key] != nil, "missing \(key)")
    }
    // The reference group B does not move: its target moments are the specification's.
    let means = try #require(object["target_means"] as? [[[Double]]])
    #expect(means[1][0] == [0.2] && means[1][1] == [1.8])
    let after = try #require((object["ideal_after"] as? [String: Any])?["bayes"] as? [String: Any])
    #expect((after["equalized_odds"] as? Double ?? 1) < 1e-12)
    let gamma = try #require(object["gamma"] as? [Double])
    #expect(gamma[1] == 1 && gamma[0] > 0)
  }

  @Test func twoDimensionalExampleRunsEveryInterventionAndDirection() throws {
    let spec = Self.examples.appendingPathComponent("steering-2d.json").path
    for intervention in ["affirmative", "all-subgroup", "mean", "mean-cov"] {
      for kl in ["forward", "reverse"] {
        let result = try CLIRunner.run([
          "steer", spec, "--intervention", intervention, "--kl", kl, "--samples", "500", "--json",
        ])
        #expect(result.status == 0, "\(intervention) \(kl): \(result.stderr)")
        #expect(!result.stdout.contains("nan") && !result.stdout.contains("NaN"))
      }
    }
  }

  @Test(arguments: [
    ("\"priors\": [[0, 0.5], [0.25, 0.25]]", "priors[0][0]"),
    (
      "\"priors\": [[0.25, 0.25], [0.25, 0.25]], \"covariances\": [[[[1]], [[-1]]], [[[1]], [[1]]]]",
      "covariances[0][1]"
    ),
    ("\"priors\": [[0.25, 0.25], [0.25, 0.25]], \"means\": [[[0], [1, 2]], [[0], [1]]]", "means[0][1]"),
  ])
  func badSpecificationsExitWithTwoNamingTheField(override: String, field: String) throws {
    var members = [
      "\"groups\": [\"A\", \"B\"]", "\"classes\": [\"n\", \"p\"]", "\"means\": [[[0], [1]], [[0], [1]]]",
      "\"covariances\": [[[[1]], [[1]]], [[[1]], [[1]]]]",
    ]
    members = members.filter { member in !override.contains(member.prefix(while: { $0 != ":" })) }
    let text = "{" + (members + [override]).joined(separator: ", ") + "}"
    let result = try CLIRunner.run(["steer", "-"], stdin: text)
    #expect(result.status == 2, "stdout: \(result.stdout)")
    #expect(result.stderr.contains("error: \(field)"), "stderr: \(result.stderr)")
  }

  @Test func unknownReferenceAndMissingInputExitWithTwo() throws {
    let spec = Self.examples.appendingPathComponent("steering-1d.json").path
    let unknown = try CLIRunner.run(["steer", spec, "--reference", "Z"])
    #expect(unknown.status == 2 && unknown.stderr.contains("reference"))
    let neither = try CLIRunner.run(["steer"])
    #expect(neither.status == 2)
  }

  @Test func quickDatasetRunReportsEveryMethodAndTheBounds() throws {
    let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Data/raw/german.data")
    guard FileManager.default.fileExists(atPath: data.path) else { return }
    let result = try CLIRunner.run(["steer", "--dataset", "german", "--splits", "2", "--json"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    let rows = try #require(object["rows"] as? [[String: Any]])
    #expect(rows.count == 13)
    for row in rows where (row["test_mapping"] as? String) == "none" && (row["method"] as? String) != "erm" {
      let transfer = try #require(row["transfer"] as? [[String: Any]])
      #expect(transfer.count == 2)
      for check in transfer { #expect(check["error_bound_holds"] as? Bool == true) }
    }
  }

  @Test func hiddenRepresentationRunIsSteeredAndEvaluated() throws {
    let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Data/raw/german.data")
    guard FileManager.default.fileExists(atPath: data.path) else { return }
    let result = try CLIRunner.run([
      "steer", "--dataset", "german", "--splits", "1", "--representation", "mlp-hidden", "--hidden-width", "8",
      "--intervention", "affirmative", "--json",
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    let features = try #require(object["steered_features"] as? [String])
    #expect(!features.isEmpty && features.allSatisfy { $0.hasPrefix("hidden_") })
    #expect((object["rows"] as? [[String: Any]])?.count == 4)
    let tooWide = try CLIRunner.run([
      "steer", "--dataset", "german", "--representation", "mlp-hidden", "--hidden-width", "64",
    ])
    #expect(tooWide.status == 2 && tooWide.stderr.contains("--hidden-width"))
  }

  /// `compare --steering` runs the same steered training as `steer --dataset` on the same splits:
  /// the steer-affirmative row equals the experiment's affirmative row on the unmapped test split.
  @Test func compareSteeringArmMatchesTheSteeringExperiment() throws {
    let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Data/raw/german.data")
    guard FileManager.default.fileExists(atPath: data.path) else { return }
    let compare = try CLIRunner.run([
      "compare", "--settings", "german-lr", "--splits", "2", "--methods", "i-jack", "--apply", "ij", "--steering",
      "affirmative", "--json",
    ])
    #expect(compare.status == 0, "stderr: \(compare.stderr)")
    let report = try #require(try CLIRunner.json(compare.stdout) as? [String: Any])
    let setting = try #require((report["settings"] as? [[String: Any]])?.first)
    let row = try #require(
      (setting["rows"] as? [[String: Any]])?.first { ($0["method"] as? String) == "steer-affirmative" })
    let steer = try CLIRunner.run([
      "steer", "--dataset", "german", "--splits", "2", "--intervention", "affirmative", "--json",
    ])
    let experiment = try #require(try CLIRunner.json(steer.stdout) as? [String: Any])
    let rows = try #require(experiment["rows"] as? [[String: Any]])
    let affirmative = try #require(
      rows.first { ($0["method"] as? String) == "affirmative" && ($0["test_mapping"] as? String) == "none" })
    func mean(_ object: [String: Any]?, _ key: String) -> Double? {
      (object?[key] as? [String: Any])?["mean"] as? Double
    }
    #expect(mean(row, "dp") == mean(affirmative, "dp"))
    #expect(mean(row, "deo") == mean(affirmative, "deo"))
    let error = try #require(mean(row, "error"))
    let accuracy = try #require(mean(affirmative, "accuracy"))
    #expect(abs(error - (1 - accuracy)) < 1e-12)
    let bad = try CLIRunner.run(["compare", "--settings", "german-lr", "--splits", "1", "--steering", "nope"])
    #expect(bad.status == 2 && bad.stderr.contains("--steering"))
  }
}
