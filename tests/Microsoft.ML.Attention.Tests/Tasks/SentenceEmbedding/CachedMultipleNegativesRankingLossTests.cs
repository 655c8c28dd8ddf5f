using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tests.Modeling;
using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Tasks.SentenceEmbedding;

/// <summary>The cached (GradCache) loss gives the plain loss's value and gradients with forward passes of a few rows.</summary>
public sealed class CachedMultipleNegativesRankingLossTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cached_loss_in_mini_batches_of_3_gives_the_gradients_of_the_plain_loss_over_8_pairs(bool symmetric)
    {
        var verses = SentenceEmbeddingData.Verses(8);
        // Hard negatives: the next verse's WEB text; row 7's positive repeats row 0's, so the duplicate mask is exercised too.
        var rows = verses.Select((v, i) => new SentencePair(v.Kjv, i == 7 ? verses[0].Web : v.Web, verses[(i + 1) % 8].Web)).ToList();
        var tokenizer = TextTokenizer.CreateCharacter(verses.SelectMany(v => new[] { v.Kjv, v.Web }));
        random.manual_seed(5);
        using var model = new SentenceEncoder(SentenceEmbeddingData.Tiny(tokenizer));
        model.train();

        using var plain = SentenceEmbeddingTrainer.BatchLoss(model, tokenizer, rows, SentenceEmbeddingData.Loss(symmetric: symmetric), CPU);
        plain.backward();
        var expected = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        model.zero_grad();

        using var cached = SentenceEmbeddingTrainer.BatchLoss(model, tokenizer, rows, SentenceEmbeddingData.Loss(miniBatchSize: 3, symmetric: symmetric), CPU);
        cached.backward();   // a no-op: the gradients are in the parameters already

        Assert.Equal(plain.item<float>(), cached.item<float>(), 5);
        double largest = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            TensorAssert.Close(expected[name], parameter.grad!, tolerance: 1e-5);
            largest = Math.Max(largest, expected[name].abs().max().item<float>());
        }
        Assert.True(largest > 1e-3, $"the plain loss's gradients are at most {largest:E2}: the comparison would prove nothing");
        foreach (var gradient in expected.Values)
            gradient.Dispose();
    }

    [Fact]
    public void With_dropout_the_cached_gradient_is_the_gradient_of_the_loss_it_returns()
    {
        // Both passes of a mini-batch must draw the same dropout masks; otherwise the gradient would belong to other masks than the
        // loss. Checked by a central difference along the gradient: its slope must be the gradient's norm.
        var verses = SentenceEmbeddingData.Verses(6);
        var rows = verses.Select(v => new SentencePair(v.Kjv, v.Web)).ToList();
        var tokenizer = TextTokenizer.CreateCharacter(verses.SelectMany(v => new[] { v.Kjv, v.Web }));
        random.manual_seed(5);
        using var model = new SentenceEncoder(SentenceEmbeddingData.Tiny(tokenizer, dropout: 0.2));
        model.train();
        var parameters = model.parameters().ToList();
        double Loss()
        {
            model.zero_grad();
            random.manual_seed(11);   // the same seeds, so the same masks, in every evaluation
            using var loss = SentenceEmbeddingTrainer.BatchLoss(model, tokenizer, rows, SentenceEmbeddingData.Loss(miniBatchSize: 2), CPU);
            return loss.item<float>();
        }

        Loss();
        var direction = parameters.Select(p => p.grad!.clone()).ToList();
        double norm = Math.Sqrt(direction.Sum(g => g.square().sum().item<float>()));
        const double step = 1e-3;
        double Shifted(double by)
        {
            using (no_grad())
            {
                for (int i = 0; i < parameters.Count; i++)
                    parameters[i].add_(direction[i], alpha: by / norm);
            }
            double value = Loss();
            using (no_grad())
            {
                for (int i = 0; i < parameters.Count; i++)
                    parameters[i].add_(direction[i], alpha: -by / norm);
            }
            return value;
        }

        double slope = (Shifted(step) - Shifted(-step)) / (2 * step);
        Assert.True(norm > 1e-2, $"gradient norm {norm:E2}");
        Assert.True(Math.Abs(slope - norm) < 0.05 * norm, $"central difference {slope:F5} along the gradient; its norm is {norm:F5}");
        foreach (var gradient in direction)
            gradient.Dispose();
    }
}
