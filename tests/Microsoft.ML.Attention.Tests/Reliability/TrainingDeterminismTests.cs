using Microsoft.ML.Attention.Tests.Estimators;

namespace Microsoft.ML.Attention.Tests.Reliability;

public class TrainingDeterminismTests
{
    [Fact]
    public void Same_seed_gives_bitwise_identical_weights_and_embeddings_on_cpu()
    {
        var texts = TinyModels.WikiTextLines("valid", 32);
        (Dictionary<string, float[]> Weights, float[][] Embeddings) Train()
        {
            var ml = new MLContext(seed: 1);
            var data = TinyModels.Texts(ml, texts);
            var options = TinyModels.MaskedLm();
            options.BatchSize = 4;
            options.MaxSteps = 6;
            options.Model = options.Model with { Dropout = 0.1 };   // dropout draws from the seeded generator too
            using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
            var weights = model.Model.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
            return (weights, TinyModels.ReadVectors(model.Transform(data), "Embedding"));
        }

        var first = Train();
        var second = Train();

        Assert.Equal(first.Weights.Keys, second.Weights.Keys);
        foreach (var (name, values) in first.Weights)
            Assert.True(values.AsSpan().SequenceEqual(second.Weights[name]), $"weight {name} differs");
        Assert.Equal(first.Embeddings, second.Embeddings);
    }
}
