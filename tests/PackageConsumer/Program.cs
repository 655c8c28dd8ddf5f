// Fit a tiny masked-LM encoder, save, load in a new MLContext, compare embeddings; then switch the loaded model to the ONNX Runtime
// engine and compare again. Exit code 0 = the package works. Without the companion package Microsoft.ML.Attention.OnnxRuntime the
// engine switch throws the library's InvalidOperationException naming the package (the script checks that message).
using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;

var ml = new MLContext(seed: 1);
var rows = new[]
{
    "The European lobster is a species of clawed lobster.",
    "It is closely related to the American lobster.",
    "Mating occurs in the summer, producing eggs.",
    "The lobsters are blue, only becoming red on cooking.",
}.Select(t => new Row { Text = t }).ToList();
var data = ml.Data.LoadFromEnumerable(rows);
var pipeline = ml.Transforms.AttentionEncoder(new TransformerTextOptions
{
    Tokenizer = TokenizerKind.Gpt2,
    Model = new TransformerConfig { ModelDimension = 32, LayerCount = 1, HeadCount = 2, MaxSequenceLength = 32 },
    MaxSteps = 2,
    Seed = 1,
});
var model = pipeline.Fit(data);
string path = Path.Combine(Path.GetTempPath(), "package-consumer-encoder.zip");
ml.Model.Save(model, data.Schema, path);
var reloaded = new MLContext().Model.Load(path, out _);

var before = model.Transform(data).GetColumn<float[]>("Embedding").ToArray();
var after = reloaded.Transform(data).GetColumn<float[]>("Embedding").ToArray();
bool identical = before.Zip(after).All(p => p.First.SequenceEqual(p.Second));
Console.WriteLine($"package consumer: {before.Length} embeddings of {before[0].Length} values, identical after reload: {identical}");
if (!identical)
    return 1;

using var onnx = ((TransformerTextTransformer)reloaded).WithInference(InferenceEngine.OnnxRuntime, InferencePrecision.Float32);
var scored = onnx.Transform(data).GetColumn<float[]>("Embedding").ToArray();
double worst = before.Zip(scored).Max(p => p.First.Zip(p.Second).Max(v => Math.Abs((double)v.First - v.Second)));
Console.WriteLine($"package consumer: InferenceEngine {onnx.InferenceEngine}, max |ONNX Runtime - TorchSharp| = {worst:E1}");
return worst <= 1e-4 ? 0 : 1;

internal sealed class Row
{
    public string Text { get; set; } = "";
}
