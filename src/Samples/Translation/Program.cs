// Translation: an encoder-decoder with cross-attention trained from scratch on King James English -> Reina-Valera 1909 Spanish
// verse pairs through the library's ML.NET estimator, evaluated with corpus BLEU and chrF on the test books, saved, reloaded, and
// asked which English word each Spanish word looked at (cross-attention).
//   dotnet run -c Release --project src/Samples/Translation                  3 + 3 layers, 7 epochs of batches of 32 on all training books
//                                                                            (the translation benchmark trained the same network, epochs and batches in 42 min on 2 cores: docs/performance.md)
//   dotnet run -c Release --project src/Samples/Translation -- --quick       a 1 + 1 layer model, 40 steps (its Spanish is gibberish)
//   ... -- --text "And God said, Let there be light."   the English to translate; --output DIR
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Samples;
using Microsoft.ML.Data;
using Translation;

var arguments = new SampleArguments("Translation", args);
var mlContext = new MLContext(seed: 1);
mlContext.Log += (_, e) =>
{
    // The estimator reports its vocabulary, steps and skipped rows through ML.NET's log.
    if (e.Source.Contains("TransformerTextEstimator") && (e.RawMessage.StartsWith("step") || e.RawMessage.StartsWith("Skipped")))
        Console.WriteLine("  " + e.RawMessage);
};

var (train, test) = TranslationModel.LoadData(mlContext, arguments.Quick);
Console.WriteLine($"1. Training an English -> Spanish encoder-decoder from scratch{(arguments.Quick ? " (quick mode)" : "")}");
var watch = Stopwatch.StartNew();
string path = Path.Combine(arguments.Output, "Translation.zip");
using (var model = TranslationModel.Train(TranslationModel.BuildPipeline(mlContext, arguments.Quick), train))
{
    Console.WriteLine($"   trained in {watch.Elapsed.TotalSeconds:F0} s: {model.Config.LayerCount} + {model.Config.LayerCount} layers, " +
        $"{model.Config.ModelDimension} dimensions, {model.Tokenizer.VocabularySize} subword pieces");

    // 2. Corpus BLEU and chrF (sacreBLEU's definitions) of the beam-searched translations of the test books.
    var translated = model.Transform(mlContext.Data.LoadFromEnumerable(test));
    var hypotheses = translated.GetColumn<string>("Translation").ToList();
    var metrics = TranslationEvaluator.Evaluate(hypotheses, test.Select(t => (string?)t.Spanish).ToList());
    Console.WriteLine($"2. Test books ({test.Count} verses): BLEU {metrics.Bleu:F2}, chrF {metrics.ChrF:F2}");
    Console.WriteLine($"   English: {test[0].English}\n   Spanish: {test[0].Spanish}\n   model:   {hypotheses[0]}");
    TranslationModel.SaveModel(mlContext, model, train.Schema, path);
    Console.WriteLine($"   saved: {path}");
}

// 3. The saved model, reloaded for Predict, and its cross-attention: the English token each Spanish token looked at most.
TranslationModel.ModelPath = path;
string text = arguments.Value("text") ?? "And God said, Let there be light: and there was light.";
var output = TranslationModel.Predict(new ModelInput { English = text });
Console.WriteLine($"3. Translation: \"{text}\" -> \"{output.Translation}\"");
using (var reloaded = (TransformerTextTransformer)mlContext.Model.Load(path, out _))
{
    var cross = reloaded.GetCrossAttentionWeights(text);
    var mean = cross.Mean();
    Console.WriteLine("   Each Spanish token and the English token it looked at most (cross-attention, mean of layers and heads):");
    for (int t = 0; t < cross.TargetTokens.Count; t++)
    {
        int best = Enumerable.Range(0, cross.SourceTokens.Count).MaxBy(s => mean[t, s]);
        Console.WriteLine($"   {cross.TargetTokens[t].Trim(),-14} <- {cross.SourceTokens[best].Trim()} ({mean[t, best]:F2})");
    }
}
