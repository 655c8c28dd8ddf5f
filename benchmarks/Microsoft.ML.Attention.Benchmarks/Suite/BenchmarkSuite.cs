using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// The benchmark suite: runs its sections in order (the roof first: later sections divide by it), prints each table, writes all
/// results to a JSON file and regenerates the suite's part of docs/performance.md (between <see cref="DocsTables.Begin"/> and
/// <see cref="DocsTables.End"/>).
/// </summary>
/// <remarks>
/// A section is a static <c>SectionResult Run(SuiteContext)</c> in its own class; add it to <see cref="Sections"/> to include it.
/// </remarks>
internal static class BenchmarkSuite
{
    /// <summary>Every section, in the order they run.</summary>
    public static readonly IReadOnlyList<(string Name, Func<SuiteContext, SectionResult> Run)> Sections =
    [
        ("roof", RoofSection.Run),
        ("training", TrainingSection.Run),
        ("peer", PeerLayerSection.Run),
        ("profile", StepProfileSection.Run),
        ("attention", AttentionPathsSection.Run),
        ("attention-bf16", AttentionBFloat16Section.Run),
        ("inference", InferenceSection.Run),
        ("memory", MemorySection.Run),
        ("generation-batch", BatchedGenerationSection.Run),
    ];

    public static int Run(string[] args, string datasets)
    {
        bool quick = args.Contains("--quick");
        if (quick == args.Contains("--full"))
        {
            Console.Error.WriteLine("Give exactly one of --quick (under 3 minutes) and --full (under 20 minutes).");
            return 2;
        }

        string repository = Path.GetDirectoryName(datasets)!;
        string date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string json = Option(args, "--json") ?? Path.Combine(repository, "benchmarks", "results", $"{date}-{(quick ? "quick" : "full")}.json");
        string? docs = args.Contains("--no-docs") ? null : Option(args, "--docs") ?? Path.Combine(repository, "docs", "performance.md");
        var only = Option(args, "--sections")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var unknown = only?.Where(name => Sections.All(s => s.Name != name)).ToList();
        if (unknown is { Count: > 0 })
        {
            Console.Error.WriteLine($"Unknown section(s) {string.Join(", ", unknown)}; sections: {string.Join(", ", Sections.Select(s => s.Name))}.");
            return 2;
        }

        bool retained = Training.NativeAllocator.RetainFreedMemory();
        var context = new SuiteContext(quick, datasets);
        var machine = MachineDescription.Capture(retained);
        Console.WriteLine(machine.Line);
        var results = new List<SectionResult>();
        var total = Stopwatch.StartNew();
        foreach (var (name, run) in Sections)
        {
            if (only is not null && !only.Contains(name) && !(name == "roof" && only.Contains("training")))
                continue;
            var watch = Stopwatch.StartNew();
            var result = run(context) with { Seconds = watch.Elapsed.TotalSeconds };
            results.Add(result);
            Console.WriteLine();
            Console.WriteLine(DocsTables.Markdown(result));
            Console.WriteLine($"({name}: {result.Seconds:F0} s)");
        }

        string command = "dotnet run -c Release --project benchmarks/Microsoft.ML.Attention.Benchmarks -- suite " + string.Join(' ', args);
        var report = new
        {
            date = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            mode = quick ? "quick" : "full",
            command,
            machine = machine.Line,
            load_average_at_start = machine.LoadAverage,
            seconds = total.Elapsed.TotalSeconds,
            sections = results.Select(r => new { r.Name, r.Title, r.Columns, r.Rows, r.Notes, r.Figures, r.Seconds }),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        File.WriteAllText(json, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        Console.WriteLine($"Wrote {json} ({total.Elapsed.TotalSeconds:F0} s in all).");
        if (docs is not null)
        {
            DocsTables.Replace(docs, results, machine.Line, date, command);
            Console.WriteLine($"Regenerated the suite's tables in {docs}.");
        }
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
