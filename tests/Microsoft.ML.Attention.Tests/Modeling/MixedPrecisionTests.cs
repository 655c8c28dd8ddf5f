using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Modeling;

/// <summary>
/// <see cref="MixedPrecision"/> (bfloat16 matrix products, the fast path) against float32 (the reference): the loss within 2% and
/// the gradients pointing the same way (cosine at least 0.99), with float32 gradients on float32 weights.
/// </summary>
public class MixedPrecisionTests
{
    [Theory]
    [InlineData("gpt")]
    [InlineData("llama")]
    [InlineData("postnorm-sinusoidal")]
    public void Causal_loss_and_gradients_in_bfloat16_match_float32(string configName)
    {
        var config = TestConfigs.Named(configName);
        manual_seed(7);
        using var model = new CausalLanguageModel(config);
        using var ids = randint(0, config.VocabularySize, [4, config.MaxSequenceLength], generator: new Generator(3));   // [B, T]

        Tensor Loss()
        {
            var logits = model.forward(ids.narrow(1, 0, config.MaxSequenceLength - 1));                                   // [B, T - 1, V]
            Assert.Equal(ScalarType.Float32, logits.dtype);
            return nn.functional.cross_entropy(logits.flatten(0, 1), ids.narrow(1, 1, config.MaxSequenceLength - 1).flatten());
        }

        AssertBFloat16MatchesFloat32(model, Loss);
    }

    [Fact]
    public void Masked_lm_loss_and_gradients_in_bfloat16_match_float32_with_padding()
    {
        var config = TestConfigs.Gpt;
        manual_seed(7);
        using var model = new MaskedLanguageModel(config);
        using var ids = randint(0, config.VocabularySize, [4, 20], generator: new Generator(5));   // [B, T]
        using var mask = ones(4, 20, dtype: int64);                                                // [B, T]
        mask[1, TensorIndex.Slice(12)] = zeros(8, dtype: int64);                                   // rows 1 and 3 are padded
        mask[3, TensorIndex.Slice(5)] = zeros(15, dtype: int64);
        using var selected = mask.ne(0).logical_and(rand(4, 20, generator: new Generator(9)).lt(0.5));

        Tensor Loss()
        {
            var logits = model.ForwardSelected(ids, mask, selected);   // [N, V]
            Assert.Equal(ScalarType.Float32, logits.dtype);
            return nn.functional.cross_entropy(logits, ids[selected]);
        }

        AssertBFloat16MatchesFloat32(model, Loss);
    }

    [Fact]
    public void Outside_a_scope_a_linear_layer_is_unchanged_and_scopes_restore_the_previous_type()
    {
        manual_seed(1);
        using var layer = nn.Linear(8, 4);
        using var input = randn(3, 8);
        using var expected = layer.forward(input);
        using (var outside = MixedPrecision.Linear(layer, input))
            Assert.True(outside.allclose(expected, rtol: 0, atol: 0));   // bit-identical

        using (MixedPrecision.Enter(ScalarType.BFloat16))
        {
            using (MixedPrecision.Enter(null))
                Assert.Equal(ScalarType.BFloat16, MixedPrecision.ComputeType);
            using var inside = MixedPrecision.Linear(layer, input);
            Assert.Equal(ScalarType.BFloat16, inside.dtype);
            Assert.True(inside.to(ScalarType.Float32).allclose(expected, rtol: 0.02, atol: 0.02));
        }
        Assert.Null(MixedPrecision.ComputeType);
    }

    private static void AssertBFloat16MatchesFloat32(nn.Module model, Func<Tensor> loss)
    {
        var (referenceLoss, referenceGradients) = LossAndGradients(model, loss, computeType: null);
        var (fastLoss, fastGradients) = LossAndGradients(model, loss, ScalarType.BFloat16);
        try
        {
            Assert.True(Math.Abs(fastLoss - referenceLoss) <= 0.02 * referenceLoss, $"bf16 loss {fastLoss}, float32 {referenceLoss}");
            Assert.NotEqual(referenceLoss, fastLoss);   // the products did run in bfloat16
            Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
            Assert.All(fastGradients, g => Assert.Equal(ScalarType.Float32, g.dtype));
            using var reference = cat(referenceGradients.Select(g => g.flatten()).ToList());
            using var fast = cat(fastGradients.Select(g => g.flatten()).ToList());
            double cosine = nn.functional.cosine_similarity(reference, fast, dim: 0).item<float>();
            Assert.True(cosine >= 0.99, $"gradient cosine {cosine}");
        }
        finally
        {
            foreach (var g in referenceGradients.Concat(fastGradients))
                g.Dispose();
        }
    }

    private static (double Loss, List<Tensor> Gradients) LossAndGradients(nn.Module model, Func<Tensor> loss, ScalarType? computeType)
    {
        model.zero_grad();
        using var scope = NewDisposeScope();
        Tensor value;
        using (MixedPrecision.Enter(computeType))
            value = loss();
        value.backward();
        var gradients = model.parameters().Select(p => p.grad!.clone().DetachFromDisposeScope()).ToList();
        return (value.item<float>(), gradients);
    }
}
