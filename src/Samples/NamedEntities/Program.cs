// Named entities: a tagger fine-tuned from a pretrained encoder on the Brown corpus' NAME spans (one tag per word, IOB2), evaluated on
// held-out documents, saved to a .zip, reloaded, and asked for the names in a sentence.
//   dotnet run -c Release --project src/Samples/NamedEntities                 2,000 training sentences, 500 test sentences
//   dotnet run -c Release --project src/Samples/NamedEntities -- --quick      48 sentences, 6 steps (38 s on the shared 2-core machine; its names are poor)
//   ... -- --text "Mrs. Robinson flew from Atlanta to New York ."   the sentence to tag; --output DIR   where the .zip goes
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Attention.Samples;
using NamedEntities;

var arguments = new SampleArguments("NamedEntities", args);
var mlContext = new MLContext(seed: 1);
int trainCount = arguments.Quick ? 48 : 2000, testCount = arguments.Quick ? 40 : 500;
var train = NamedEntitiesModel.LoadData(mlContext, test: false, trainCount);
var test = NamedEntitiesModel.LoadData(mlContext, test: true, testCount);
Console.WriteLine($"Data: {trainCount} Brown training sentences, {testCount} test sentences{(arguments.Quick ? " (quick mode)" : "")}");

var watch = Stopwatch.StartNew();
var model = NamedEntitiesModel.Train(NamedEntitiesModel.BuildPipeline(mlContext, arguments.Quick), train);
var metrics = NamedEntitiesModel.Evaluate(model, test);
var names = metrics.Entities!;
Console.WriteLine(FormattableString.Invariant(
    $"Fine-tuned from all-MiniLM-L6-v2 with case features: NAME precision {names.Precision:P1}, recall {names.Recall:P1}, F1 {names.F1:P1}; tag accuracy {metrics.TokenAccuracy:P1} ({watch.Elapsed.TotalSeconds:F0} s)"));

string path = Path.Combine(arguments.Output, "NamedEntities.zip");
NamedEntitiesModel.SaveModel(mlContext, model, train.Schema, path);
(model as IDisposable)?.Dispose();
Console.WriteLine($"Saved: {path} ({new FileInfo(path).Length / (1 << 20)} MB)");

NamedEntitiesModel.ModelPath = path;    // consumption reloads the saved .zip, as an app that only predicts would
string text = arguments.Value("text") ?? "Mrs. Robinson flew from Atlanta to New York with Senator John Kennedy on Friday .";
var prediction = NamedEntitiesModel.Predict(new NamedEntities.ModelInput { Sentence = text });
Console.WriteLine($"Sentence: \"{text}\"");
Console.WriteLine($"Tags: {string.Join(' ', prediction.PredictedLabel)}");
Console.WriteLine($"Names: {prediction.Entities.Length}");
for (int e = 0; e < prediction.Entities.Length; e++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {prediction.EntityTypes[e]} \"{prediction.Entities[e]}\" at {prediction.EntityStarts[e]} (length {prediction.EntityLengths[e]}, score {prediction.EntityScores[e]:F3})"));
}
