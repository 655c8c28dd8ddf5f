using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;

/// <summary>
/// The probe's second mode, for the process-exit tests: <c>ModelProbe --fit-in-background &lt;return|sigint&gt; &lt;corpus.txt&gt;</c> starts
/// <c>Fit</c> (a tiny masked-LM, far more steps than it will run) on a thread-pool thread, waits until a training step was logged, then
/// either returns 0 from <c>Main</c> while <c>Fit</c> still runs (<c>return</c>) or sends itself SIGINT with <c>kill -INT</c>, as Ctrl+C does (<c>sigint</c>).
/// Unlike the load mode, this code names the library's types (it builds the options); the load mode never runs it.
/// </summary>
internal static class BackgroundFit
{
    public static int Run(string mode, string corpusPath)
    {
        var ml = new MLContext(seed: 1);
        var options = new TransformerTextOptions
        {
            Task = TransformerTask.MaskedLanguageModeling,
            Tokenizer = TokenizerKind.Character,
            Model = new TransformerConfig { ModelDimension = 64, LayerCount = 2, HeadCount = 2, MaxSequenceLength = 64 },
            Epochs = 1000,
            BatchSize = 8,
            LogEverySteps = 1,
            Seed = 1,
            Device = TransformerDevice.Cpu,
        };
        using var stepped = new ManualResetEventSlim();
        ml.Log += (_, e) =>
        {
            if (e.Message.Contains("training loss", StringComparison.Ordinal))
                stepped.Set();
        };
        var data = ml.Data.LoadFromEnumerable(File.ReadLines(corpusPath).Where(l => l.Trim().Length > 0).Take(64).Select(l => new CorpusRow { Text = l }).ToList());
        var fit = Task.Run(() => ml.Transforms.AttentionEncoder(options).Fit(data));
        if (!stepped.Wait(TimeSpan.FromSeconds(60)))
        {
            Console.Error.WriteLine(fit.Exception?.ToString() ?? "No training step within 60 s.");
            return 3;
        }
        Console.WriteLine($"Fit is training on a background thread; mode {mode}.");
        if (mode == "sigint")
        {
            using (var kill = Process.Start("kill", ["-INT", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                kill.WaitForExit();
            Thread.Sleep(TimeSpan.FromSeconds(30));   // the runtime ends the process on SIGINT before this returns
            Console.Error.WriteLine("SIGINT did not end the process.");
            return 4;
        }
        return 0;
    }

    private sealed class CorpusRow
    {
        public string Text { get; set; } = "";
    }
}
