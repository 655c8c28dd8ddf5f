using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Modeling;

public class MultiHeadAttentionTests
{
    private static readonly TransformerConfig Config = TestConfigs.Gpt;

    /// <summary>[2, 6] padding mask: the second sequence has 2 padded positions at the end.</summary>
    private static Tensor PaddingMask() => torch.tensor(new long[,] { { 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 1, 0, 0 } });

    private static MultiHeadAttention Create(TransformerConfig config, int seed)
    {
        torch.manual_seed(seed);
        var attention = new MultiHeadAttention(config, layerIndex: 0);
        attention.eval();
        return attention;
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void Fast_path_equals_reference_path(bool padding, bool causal)
    {
        using var attention = Create(Config, seed: 10);
        using var hidden = torch.randn(2, 6, Config.ModelDimension);
        using var mask = padding ? PaddingMask() : null;

        using var fast = attention.forward(hidden, mask, causal);
        var (reference, weights) = attention.ForwardWithWeights(hidden, mask, causal);

        TensorAssert.Close(reference, fast);
        Assert.Equal(new long[] { 2, Config.HeadCount, 6, 6 }, weights.shape);
        reference.Dispose();
        weights.Dispose();
    }

    [Theory]
    [InlineData(false, true, 6)]
    [InlineData(true, false, 6)]
    [InlineData(false, true, MultiHeadAttention.MaxKeysForCausalProductAttention + 8)]
    [InlineData(false, false, MultiHeadAttention.MaxKeysForProductAttention + 8)]
    public void Bfloat16_fast_path_equals_the_reference_path_within_bfloat16_rounding(bool padding, bool causal, int length)
    {
        // On the CPU, bfloat16 attention runs as bfloat16 products around a float32 softmax (up to MaxKeysForProductAttention keys,
        // MaxKeysForCausalProductAttention for causal self-attention) or as float32 SDPA (longer); the reference path computes scores and softmax in float32. Outputs and gradients agree
        // to bfloat16 rounding.
        using var attention = Create(Config, seed: 12);
        attention.to(ScalarType.BFloat16);
        attention.train();
        using var hidden = torch.randn(2, length, Config.ModelDimension).to(ScalarType.BFloat16).requires_grad_();
        using var mask = padding ? PaddingMask() : null;

        using var fast = attention.forward(hidden, mask, causal);
        using var fastGradient = torch.autograd.grad([fast.to(ScalarType.Float32).square().sum()], [hidden])[0];
        var (reference, weights) = attention.ForwardWithWeights(hidden, mask, causal);
        using var referenceGradient = torch.autograd.grad([reference.to(ScalarType.Float32).square().sum()], [hidden])[0];

        Assert.Equal(ScalarType.BFloat16, fast.dtype);
        TensorAssert.Close(reference.to(ScalarType.Float32), fast.to(ScalarType.Float32), 2e-2);
        TensorAssert.Close(referenceGradient.to(ScalarType.Float32), fastGradient.to(ScalarType.Float32), 5e-2);
        reference.Dispose();
        weights.Dispose();
    }

    [Fact]
    public void Reference_weights_are_zero_on_masked_keys_and_sum_to_one()
    {
        using var attention = Create(Config, seed: 11);
        using var hidden = torch.randn(2, 6, Config.ModelDimension);
        using var mask = PaddingMask();

        var (output, weights) = attention.ForwardWithWeights(hidden, mask, causal: true);

        TensorAssert.Close(torch.ones(2, Config.HeadCount, 6), weights.sum(-1), 1e-6);
        Assert.Equal(0.0, weights[1, .., .., 4..].abs().max().item<float>());
        Assert.Equal(0.0, weights[.., .., 0, 1..].abs().max().item<float>());
        output.Dispose();
        weights.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_fully_padded_row_gives_no_NaN_on_either_path(bool causal)
    {
        using var attention = Create(Config, seed: 12);
        using var hidden = torch.randn(2, 4, Config.ModelDimension);
        using var mask = torch.tensor(new long[,] { { 1, 1, 0, 0 }, { 0, 0, 0, 0 } });

        using var fast = attention.forward(hidden, mask, causal);
        var (reference, weights) = attention.ForwardWithWeights(hidden, mask, causal);

        TensorAssert.Finite(fast);
        TensorAssert.Finite(reference);
        TensorAssert.Close(reference, fast);
        reference.Dispose();
        weights.Dispose();
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Equals_TorchSharp_MultiheadAttention_with_copied_weights(bool padding, bool causal)
    {
        using var attention = Create(Config, seed: 13);
        using var torchAttention = nn.MultiheadAttention(Config.ModelDimension, Config.HeadCount);
        torchAttention.eval();
        using (torch.no_grad())
        {
            var parameters = torchAttention.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            parameters["in_proj_weight"].copy_(attention.QueryKeyValueProjection.weight!);
            parameters["in_proj_bias"].copy_(attention.QueryKeyValueProjection.bias!);
            parameters["out_proj.weight"].copy_(attention.OutputProjection.weight!);
            parameters["out_proj.bias"].copy_(attention.OutputProjection.bias!);
        }

        using var hidden = torch.randn(2, 6, Config.ModelDimension);
        using var mask = padding ? PaddingMask() : null;
        using var ignoredKeys = mask?.eq(0); // PyTorch: true = ignore
        using var blockedFuture = causal ? torch.full(6, 6, float.NegativeInfinity).triu(1) : null; // additive [T, T]
        using var sequenceFirst = hidden.transpose(0, 1); // [T, B, D]

        var (expected, _) = torchAttention.forward(sequenceFirst, sequenceFirst, sequenceFirst, ignoredKeys, false, blockedFuture);
        using var actual = attention.forward(hidden, mask, causal);

        TensorAssert.Close(expected.transpose(0, 1), actual);
        expected.Dispose();
    }

    [Fact]
    public void Grouped_query_attention_with_as_many_kv_heads_as_heads_is_plain_multi_head_attention()
    {
        using var plain = Create(Config, seed: 14);
        using var explicitGroups = Create(Config with { KeyValueHeadCount = Config.HeadCount }, seed: 15);
        explicitGroups.load_state_dict(plain.state_dict());
        using var hidden = torch.randn(2, 6, Config.ModelDimension);
        using var mask = PaddingMask();

        TensorAssert.Close(plain.forward(hidden, mask, causal: true), explicitGroups.forward(hidden, mask, causal: true), 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Grouped_query_attention_equals_multi_head_attention_whose_kv_weights_repeat_the_groups(bool useReference)
    {
        var groupedConfig = Config with { KeyValueHeadCount = 2 };
        using var grouped = Create(groupedConfig, seed: 16);
        using var plain = Create(Config, seed: 17);
        grouped.UseReferenceAttention = useReference;
        var (heads, kvHeads, headDim, model) = (Config.HeadCount, 2, Config.HeadDimension, (long)Config.ModelDimension);
        using (torch.no_grad())
        {
            // Rows of the fused projection: [H Dh query | Hkv Dh key | Hkv Dh value]; query head h uses kv head h / (H / Hkv).
            var weight = grouped.QueryKeyValueProjection.weight!;
            var bias = grouped.QueryKeyValueProjection.bias!;
            var parts = weight.split([heads * headDim, kvHeads * headDim, kvHeads * headDim], 0);
            var biasParts = bias.split([heads * headDim, kvHeads * headDim, kvHeads * headDim], 0);
            Tensor Repeat(Tensor rows) => rows.reshape(kvHeads, headDim, -1).repeat_interleave(heads / kvHeads, dim: 0).reshape(heads * headDim, -1);
            plain.QueryKeyValueProjection.weight!.copy_(torch.cat([parts[0], Repeat(parts[1]), Repeat(parts[2])], 0));
            plain.QueryKeyValueProjection.bias!.copy_(torch.cat([biasParts[0], Repeat(biasParts[1]).view(-1), Repeat(biasParts[2]).view(-1)], 0));
            plain.OutputProjection.weight!.copy_(grouped.OutputProjection.weight!);
            plain.OutputProjection.bias!.copy_(grouped.OutputProjection.bias!);
        }

        Assert.Equal(new long[] { (heads + 2 * kvHeads) * headDim, model }, grouped.QueryKeyValueProjection.weight!.shape);
        using var hidden = torch.randn(2, 6, Config.ModelDimension);
        using var mask = PaddingMask();

        TensorAssert.Close(plain.forward(hidden, mask, causal: true), grouped.forward(hidden, mask, causal: true));
    }
}
