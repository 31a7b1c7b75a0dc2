import Foundation
import Testing
import _TestSupport

/// End-to-end tests of the `fairmem` binary: exit codes, messages, and answers checked against
/// values derived by hand from the theory (see comments).
@Suite(.serialized) struct CLIEndToEndTests {
  static let example = """
    {"groups": ["female", "male"], "classes": ["<=50K", ">50K"],
     "population": [[0.30, 0.10], [0.35, 0.25]],
     "confusion": [[[0.9, 0.1], [0.4, 0.6]], [[0.8, 0.2], [0.2, 0.8]]]}
    """

  @Test func analyzeRunsOnTheBuiltInExample() throws {
    let result = try CLIRunner.run(["analyze"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    // SP: female's reachable >50K rate is [0.15, 0.325], male's [1/3, 0.533...]: disjoint.
    #expect(result.stdout.contains("STATISTICAL PARITY (convention B): zero bias by memorization is IMPOSSIBLE"))
    // EOpp (R6): p[female][>50K] * (0.4 - 0.2) / 0.4 + p[male][<=50K] * (0.2 - 0.1) / 0.2 = 0.05 + 0.175.
    #expect(result.stdout.contains("at least 22.50% of the population must be memorized"))
    #expect(result.stdout.contains("verified"))
    #expect(!result.stdout.contains("NOT VERIFIED"))
    #expect(!result.stdout.contains("DISAGREES"))
  }

  @Test func boundsJSONMatchesTheClosedForm() throws {
    let path = try CLIRunner.temporaryFile(Self.example)
    let result = try CLIRunner.run(["bounds", path, "--metric", "eopp", "--json"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    #expect(object["metric"] as? String == "eopp")
    #expect(object["feasible"] as? Bool == true)
    let minMass = try #require(object["min_mass"] as? Double)
    #expect(abs(minMass - 0.225) < 1e-9)
    let closed = try #require(object["closed_form"] as? [String: Any])
    #expect(abs((closed["exact_min"] as? Double ?? -1) - 0.225) < 1e-12)
    #expect(closed["agrees_with_lp"] as? Bool == true)
    #expect((object["residual"] as? Double ?? 1) < 1e-9)
    for key in ["convention", "tolerance", "max_mass", "witness", "certificate", "groups", "classes"] {
      #expect(object[key] != nil, "missing key \(key)")
    }
  }

  @Test func checkFlagTurnsInfeasibilityIntoExitCodeOne() throws {
    let path = try CLIRunner.temporaryFile(Self.example)
    let result = try CLIRunner.run(["feasible", path, "--metric", "sp", "--check"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("infeasible"))
    let plain = try CLIRunner.run(["feasible", path, "--metric", "sp"])
    #expect(plain.status == 0)
  }

  @Test func exactModeOnCountsPrintsCertifiedFractions() throws {
    // EOpp least mass by R6 on counts: group a misses 20/40 of class 1, group b 5/40; a must drop
    // to 1/8: x = (20/150) * (1/2 - 1/8) / (1/2) = 1/10... plus class 0: a 10/60, b 10/80 ->
    // a drops to 1/8: (60/150) * (1/6 - 1/8) / (1/6) = 1/10. Total 1/10 + 1/10 = 1/5?
    // The CLI must agree with the same R6 evaluated exactly in rationals (closed_form_min).
    let counts = #"{"groups":["a","b"],"classes":["0","1"],"counts":[[[50,10],[20,20]],[[70,10],[5,35]]]}"#
    let path = try CLIRunner.temporaryFile(counts)
    let result = try CLIRunner.run(["bounds", path, "--metric", "eopp", "--exact", "--json"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    let exact = try #require(object["exact"] as? [String: Any])
    #expect(exact["verified"] as? Bool == true)
    #expect(exact["min_mass"] as? String == exact["closed_form_min"] as? String)
    let explain = try CLIRunner.run(["explain", path, "--metric", "eopp"])
    #expect(explain.status == 0)
    #expect(explain.stdout.contains("/"), "exact fractions expected: \(explain.stdout)")
  }

  @Test func sweepEchoesIdsKeepsOrderAndReportsBadLines() throws {
    let good = Self.example.replacingOccurrences(of: "\n", with: " ")
    let lines = [
      good.replacingOccurrences(of: "{\"groups\"", with: "{\"id\": 7, \"groups\""),
      "{not json",
      good.replacingOccurrences(of: "{\"groups\"", with: "{\"id\": \"last\", \"groups\""),
    ].joined(separator: "\n")
    let result = try CLIRunner.run(
      ["sweep", "--metric", "sp", "--metric", "eopp", "--threads", "2", "--quiet"], stdin: lines)
    #expect(result.status == 2)
    let outputs = result.stdout.split(separator: "\n").map { try? CLIRunner.json(String($0)) as? [String: Any] }
    #expect(outputs.count == 5)
    #expect(outputs[0]?["id"] as? Int == 7 && outputs[0]?["metric"] as? String == "sp")
    #expect(outputs[1]?["id"] as? Int == 7 && outputs[1]?["metric"] as? String == "eopp")
    #expect(outputs[2]?["line"] as? Int == 2 && (outputs[2]?["error"] as? String)?.contains("malformed JSON") == true)
    #expect(outputs[3]?["id"] as? String == "last" && outputs[3]?["feasible"] as? Bool == false)
    #expect(outputs[4]?["id"] as? String == "last" && outputs[4]?["feasible"] as? Bool == true)
  }

  @Test(arguments: [
    (
      #"{"groups":["a","b"],"classes":["0","1"],"population":[[0.3,0.2],[0.3,0.2]],"confusion":[[[1.5,-0.5],[0,1]],[[1,0],[0,1]]]}"#,
      "confusion[0][0][0]"
    ),
    (
      #"{"groups":["a","b"],"classes":["0","1"],"population":[[0.3,0.2],[0.3,0.3]],"confusion":[[[1,0],[0,1]],[[1,0],[0,1]]]}"#,
      "population"
    ),
    (
      #"{"groups":["a","b"],"classes":["0","1"],"population":[[0.3,0.2],[0.3,0.2]],"confusion":[[[0.9,0.2],[0,1]],[[1,0],[0,1]]]}"#,
      "confusion[0][0]"
    ),
    (
      #"{"groups":["a","b"],"classes":["0","1"],"population":[[0.3,0.2,0.1],[0.3,0.1]],"confusion":[[[1,0],[0,1]],[[1,0],[0,1]]]}"#,
      "population[0]"
    ),
    (#"{"groups":["a"],"classes":["0","1"],"population":[[0.5,0.5]],"confusion":[[[1,0],[0,1]]]}"#, "groups"),
    (
      #"{"groups":["a","b"],"classes":["0","1"],"population":[[0,0],[0.5,0.5]],"confusion":[[[1,0],[0,1]],[[1,0],[0,1]]]}"#,
      "population[0]"
    ),
    (
      #"{"groups":["a","b"],"classes":["0","1"],"population":[[0.3,0.2],[0.3,1e999]],"confusion":[[[1,0],[0,1]],[[1,0],[0,1]]]}"#,
      "population[1][1]"
    ),
    (
      #"{"groups":["a","b"],"classes":["0","1"],"population":[[0.3,0.2],[0.3,0.2]],"confusion":[[[true,0],[0,1]],[[1,0],[0,1]]]}"#,
      "boolean"
    ),
    (
      #"{"groups":["a","b"],"classes":["0","1"],"population":[[0.3,0.2],[0.3,0.2]],"confusion":[[[1,0],[0,1]],[[1,0],[0,1]]],"extra":1}"#,
      "extra"
    ),
    ("[1, 2", "input"),
  ])
  func badStatisticsExitWithTwoAndNameTheField(json: String, field: String) throws {
    let path = try CLIRunner.temporaryFile(json)
    let result = try CLIRunner.run(["bounds", path])
    #expect(result.status == 2, "stdout: \(result.stdout)")
    #expect(result.stderr.contains(field), "stderr should name \(field): \(result.stderr)")
    #expect(!result.stderr.contains("Fatal error"))
  }

  @Test func badOptionsExitWithTwo() throws {
    let path = try CLIRunner.temporaryFile(Self.example)
    for arguments in [
      ["bounds", path, "--favorable", "rich"], ["bounds", path, "--tolerance", "-1"],
      ["bounds", path, "--metric", "parity"],
      ["bounds", "/nonexistent/stats.json"], ["bias", path, "--uniform", "1.5"],
      ["bias", path, "--memorized", "[[1,0]]"],
      ["frontier", path, "--points", "1"], ["nonsense-command"],
    ] {
      let result = try CLIRunner.run(arguments)
      #expect(result.status == 2, "\(arguments): status \(result.status), stderr \(result.stderr)")
      #expect(!result.stderr.isEmpty)
    }
  }

  @Test func zeroMassCellIsANoteNotAnError() throws {
    let json =
      #"{"groups":["a","b"],"classes":["0","1"],"population":[[0.5,0],[0.3,0.2]],"confusion":[[[0.9,0.1],[0,0]],[[0.8,0.2],[0.3,0.7]]]}"#
    let path = try CLIRunner.temporaryFile(json)
    let result = try CLIRunner.run(["bounds", path, "--metric", "eopp", "--json"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    let notes = try #require(object["notes"] as? [String])
    #expect(notes.contains { $0.contains("zero mass") })
  }

  @Test func versionNamesGLPK() throws {
    let result = try CLIRunner.run(["--version"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("GLPK 5."))
  }
}

/// `fairmem validate` end to end on a few synthetic populations (real data is covered by the
/// Memorizers tests and the notebook): every theorem-level check must agree.
@Suite struct CLIValidateTests {
  @Test func validateOnSyntheticPopulationsAgrees() throws {
    let result = try CLIRunner.run([
      "validate", "--synthetic", "3", "--datasets", "none", "--mlp-populations", "0", "--quiet", "--json", "--check",
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    let populations = try #require(object["synthetic"] as? [[String: Any]])
    #expect(populations.count == 3)
    for population in populations {
      #expect(population["agrees"] as? Bool == true, "\(population["name"] ?? "?")")
    }
  }

  /// The interpolating MLP on the LP's sets: per run what it fitted, per entry its spill-over.
  @Test func validateReportsTheMLPFitAndPerEntrySpillOver() throws {
    let result = try CLIRunner.run([
      "validate", "--synthetic", "2", "--datasets", "none", "--mlp-populations", "2", "--memorizer", "mlp", "--quiet",
      "--json",
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    let settings = try #require(object["settings"] as? [String: Any])
    #expect(settings["mlp_initialization"] as? String == "interpolating")
    let populations = try #require(object["synthetic"] as? [[String: Any]])
    for population in populations {
      for metric in try #require(population["metrics"] as? [[String: Any]]) where metric["feasible"] as? Bool == true {
        let fit = try #require(metric["mlp_fit"] as? [String: Any])
        #expect(fit["memorizedFitted"] as? Int == fit["memorizedCount"] as? Int)
        let entries = try #require(metric["mlp_entries"] as? [[String: Any]])
        #expect(!entries.isEmpty)
        for entry in entries {
          let measured = try #require(entry["measured"] as? Double)
          let bound = try #require(entry["bound"] as? Double)
          #expect(entry["within_bound"] as? Bool == (abs(measured) <= bound))
          #expect(entry["spill_over"] as? Double == 0)
        }
      }
    }
  }

  @Test func validateWithMissingDatasetFilesExitsWithTwo() throws {
    let empty = FileManager.default.temporaryDirectory.appendingPathComponent("fairmem-empty-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let result = try CLIRunner.run([
      "validate", "--synthetic", "0", "--datasets", "german", "--data-directory", empty.path, "--quiet",
    ])
    #expect(result.status == 2)
    #expect(result.stderr.contains("fetch-datasets"))
  }

  @Test func memorizationModeOnTheSyntheticTrainingSet() throws {
    let result = try CLIRunner.run([
      "validate", "--mode", "memorization", "--datasets", "synthetic", "--max-records", "300", "--models", "lr,1nn",
      "--quiet", "--json",
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    let populations = try #require(object["populations"] as? [[String: Any]])
    #expect(populations.count == 1 && populations[0]["records"] as? Int == 300)
    let models = try #require(populations[0]["models"] as? [[String: Any]])
    #expect(models.compactMap { $0["model"] as? String } == ["lr", "1nn"])
    // 1-NN fits every training record (Gaussian features: no ties), so it memorizes all its
    // out-of-sample errors.
    let nn = models[1]
    let outOfSample = try #require(nn["outOfSampleAccuracy"] as? Double)
    let memorized = try #require(nn["memorizedMass"] as? Double)
    #expect(nn["inSampleAccuracy"] as? Double == 1)
    #expect(abs(memorized - (1 - outOfSample)) < 1e-12)
  }

  @Test func badValidateOptionsExitWithTwoNamingTheField() throws {
    for (arguments, field) in [
      (["--mode", "wild"], "--mode"), (["--mode", "memorization", "--models", "svm"], "--models"),
      (["--mode", "memorization", "--folds", "1"], "--folds"), (["--base-model", "mlp-0"], "--base-model"),
      (["--memorizer", "knn"], "--memorizer"), (["--mlp-initialization", "zeros"], "--mlp-initialization"),
    ] {
      let result = try CLIRunner.run(["validate", "--synthetic", "0", "--datasets", "none", "--quiet"] + arguments)
      #expect(result.status == 2, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains(field), "\(arguments): \(result.stderr)")
    }
  }
}
