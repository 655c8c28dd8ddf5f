using System.Diagnostics;

namespace Microsoft.ML.Attention.Tests.Estimators;

/// <summary>Runs tests/Microsoft.ML.Attention.ModelProbe in a new process: load a saved model there and read its output columns.</summary>
internal static class ModelProbeProcess
{
    public static string ProbeDll
    {
        get
        {
            // The probe builds next to this test project: tests/<probe>/bin/<Configuration>/<tfm>/.
            var testBin = new DirectoryInfo(AppContext.BaseDirectory);
            string configuration = testBin.Parent!.Name;
            string framework = testBin.Name;
            string path = System.IO.Path.Combine(TestData.RepoRoot, "tests", "Microsoft.ML.Attention.ModelProbe", "bin", configuration, framework.TrimEnd('/'),
                "Microsoft.ML.Attention.ModelProbe.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("The model probe is not built.", path);
        }
    }

    /// <summary>Loads <paramref name="modelPath"/> in a fresh process, transforms the rows and returns, per row, the text of each column.</summary>
    public static List<Dictionary<string, string>> Run(string modelPath, IReadOnlyList<string> texts, params string[] columns) =>
        RunWithInputColumn(modelPath, "Text", texts, columns);

    /// <summary>As <see cref="Run"/>, with the texts in input column <paramref name="inputColumnName"/> instead of "Text".</summary>
    public static List<Dictionary<string, string>> RunWithInputColumn(string modelPath, string inputColumnName, IReadOnlyList<string> texts, params string[] columns) =>
        Probe(modelPath, texts.Select(Escape), ["--input-column", inputColumnName], columns);

    /// <summary>As <see cref="Run"/>, for a two-text model reading columns "Text" and <paramref name="secondColumnName"/>.</summary>
    public static List<Dictionary<string, string>> RunPairs(string modelPath, string secondColumnName, IReadOnlyList<(string First, string Second)> pairs,
        params string[] columns) =>
        Probe(modelPath, pairs.Select(p => Escape(p.First).Replace('\t', ' ') + "\t" + Escape(p.Second).Replace('\t', ' ')),
            ["--second-column", secondColumnName], columns);

    private static string Escape(string text) => text.Replace("\n", "\\n");

    private static List<Dictionary<string, string>> Probe(string modelPath, IEnumerable<string> inputLines, string[] options, string[] columns)
    {
        string dir = Directory.CreateTempSubdirectory("mlattention-probe").FullName;
        string input = System.IO.Path.Combine(dir, "input.txt");
        string output = System.IO.Path.Combine(dir, "output.txt");
        File.WriteAllLines(input, inputLines);

        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { ProbeDll, modelPath, input, output }.Concat(options).Concat(columns))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The model probe did not finish in 120 s.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"The model probe failed ({process.ExitCode}): {stdout}\n{stderr}");

        var rows = new List<Dictionary<string, string>>();
        var lines = File.ReadAllLines(output);
        for (int i = 0; i < lines.Length; i += columns.Length)
        {
            var row = new Dictionary<string, string>();
            for (int c = 0; c < columns.Length; c++)
            {
                var parts = lines[i + c].Split('\t', 2);
                row[parts[0]] = parts[1];
            }
            rows.Add(row);
        }
        Directory.Delete(dir, recursive: true);
        return rows;
    }
}
