using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Modeling;

public class EncoderDecoderModelTests
{
    /// <summary>Llama-style parts in an encoder-decoder: rotary self-attention, RMSNorm, SwiGLU, grouped-query attention, no biases.</summary>
    private static readonly TransformerConfig Rotary = TestConfigs.Gpt with
    {
        PositionalEncoding = PositionalEncodingKind.Rotary,
        Normalization = NormalizationKind.RmsNorm,
        Activation = ActivationKind.SwiGlu,
        UseBias = false,
        KeyValueHeadCount = 2,
    };

    private static TransformerConfig Named(string name) => name == "rotary" ? Rotary : TestConfigs.Named(name);

    private static EncoderDecoderModel Create(TransformerConfig config, int seed, bool shareEmbeddings = true)
    {
        torch.manual_seed(seed);
        var model = new EncoderDecoderModel(config, shareEmbeddings);
        model.eval();
        return model;
    }

    /// <summary>[2, 7] source mask: the second row's last 3 positions are padding.</summary>
    private static Tensor SourceMask() => torch.tensor(new long[,] { { 1, 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 1, 0, 0, 0 } });

    private static MultiHeadAttention CrossAttention(TransformerConfig config, int seed)
    {
        torch.manual_seed(seed);
        var attention = new MultiHeadAttention(config, layerIndex: 0, crossAttention: true);
        attention.eval();
        return attention;
    }

    [Theory]
    [InlineData("gpt", true)]
    [InlineData("gpt", false)]
    [InlineData("rotary", true)]
    public void Cross_attention_fast_path_equals_reference_path(string configName, bool padding)
    {
        var config = Named(configName);
        using var attention = CrossAttention(config, seed: 20);
        using var hidden = torch.randn(2, 5, config.ModelDimension);
        using var memory = torch.randn(2, 7, config.ModelDimension);
        using var mask = padding ? SourceMask() : null;

        using var fast = attention.forward(hidden, memory, mask);
        var (reference, weights) = attention.ForwardCrossWithWeights(hidden, memory, mask);

        TensorAssert.Close(reference, fast);
        Assert.Equal(new long[] { 2, config.HeadCount, 5, 7 }, weights.shape);
        reference.Dispose();
        weights.Dispose();
    }

    [Theory]
    [InlineData(7)]
    [InlineData(MultiHeadAttention.MaxKeysForProductAttention + 8)]
    public void Bfloat16_cross_attention_equals_the_reference_path_within_bfloat16_rounding(int sourceLength)
    {
        // Up to MaxKeysForProductAttention memory positions bfloat16 runs as product attention, beyond as float32 SDPA.
        var config = TestConfigs.Gpt;
        using var attention = CrossAttention(config, seed: 23);
        attention.to(ScalarType.BFloat16);
        using var hidden = torch.randn(2, 5, config.ModelDimension).to(ScalarType.BFloat16);
        using var memory = torch.randn(2, sourceLength, config.ModelDimension).to(ScalarType.BFloat16);
        using var mask = torch.ones(2, sourceLength, dtype: ScalarType.Int64);
        mask[1, 4..] = torch.tensor(0L);

        using var fast = attention.forward(hidden, memory, mask);
        var (reference, weights) = attention.ForwardCrossWithWeights(hidden, memory, mask);

        Assert.Equal(ScalarType.BFloat16, fast.dtype);
        TensorAssert.Close(reference.to(ScalarType.Float32), fast.to(ScalarType.Float32), 2e-2);
        reference.Dispose();
        weights.Dispose();
    }

    [Fact]
    public void Cross_attention_weights_are_zero_on_padded_source_positions_and_sum_to_one()
    {
        var config = TestConfigs.Gpt;
        using var attention = CrossAttention(config, seed: 21);
        using var hidden = torch.randn(2, 5, config.ModelDimension);
        using var memory = torch.randn(2, 7, config.ModelDimension);
        using var mask = SourceMask();

        var (output, weights) = attention.ForwardCrossWithWeights(hidden, memory, mask);

        TensorAssert.Close(torch.ones(2, config.HeadCount, 5), weights.sum(-1), 1e-6);
        Assert.Equal(0.0, weights[1, .., .., 4..].abs().max().item<float>());
        output.Dispose();
        weights.Dispose();
    }

    [Fact]
    public void Cross_attention_cache_projects_the_memory_once_and_gives_the_uncached_output()
    {
        var config = TestConfigs.Gpt;
        using var attention = CrossAttention(config, seed: 22);
        using var memory = torch.randn(2, 7, config.ModelDimension);
        using var mask = SourceMask();
        using var first = torch.randn(2, 1, config.ModelDimension);
        using var second = torch.randn(2, 1, config.ModelDimension);
        using var cache = new CrossAttentionCache(config.LayerCount);

        using var cachedFirst = attention.forward(first, memory, mask, cache);
        using var cachedSecond = attention.forward(second, memory: null, memoryPaddingMask: null, cache); // keys, values and mask from the cache
        using var uncachedSecond = attention.forward(second, memory, mask);

        TensorAssert.Close(attention.forward(first, memory, mask), cachedFirst, 1e-6);
        TensorAssert.Close(uncachedSecond, cachedSecond, 1e-6);
    }

    [Fact]
    public void Self_and_cross_attention_reject_each_others_call()
    {
        var config = TestConfigs.Gpt;
        using var self = new MultiHeadAttention(config, 0);
        using var cross = new MultiHeadAttention(config, 0, crossAttention: true);
        using var hidden = torch.randn(1, 3, config.ModelDimension);

        Assert.Throws<InvalidOperationException>(() => self.forward(hidden, hidden, null));
        Assert.Throws<InvalidOperationException>(() => cross.forward(hidden, null, causal: true));
        var missing = Assert.Throws<ArgumentException>(() => cross.forward(hidden, memory: null, memoryPaddingMask: null));
        Assert.Equal("memory", missing.ParamName);
    }

    [Theory]
    [InlineData("gpt")]
    [InlineData("postnorm-sinusoidal")]
    [InlineData("rotary")]
    public void Padded_and_unpadded_batches_give_the_same_logits(string configName)
    {
        using var model = Create(Named(configName), seed: 23);
        using var longSource = torch.tensor(new long[] { 5, 6, 7, 8, 9, 10, 11 }).view(1, 7);
        using var shortSource = torch.tensor(new long[] { 12, 13, 14, 15 }).view(1, 4);
        using var padded = torch.tensor(new long[,] { { 5, 6, 7, 8, 9, 10, 11 }, { 12, 13, 14, 15, 3, 4, 49 } }); // padding ids are arbitrary
        using var target = torch.tensor(new long[,] { { 1, 20, 21, 22 }, { 1, 30, 31, 32 } });
        using var mask = SourceMask();

        using var batched = model.forward(padded, mask, target);              // [2, 4, V]
        using var aloneLong = model.forward(longSource, null, target[..1]);    // [1, 4, V]
        using var aloneShort = model.forward(shortSource, null, target[1..]);  // [1, 4, V]

        TensorAssert.Close(aloneLong, batched[..1], 1e-5);
        TensorAssert.Close(aloneShort, batched[1..], 1e-5);
    }

    [Fact]
    public void Decoder_never_sees_future_target_tokens()
    {
        using var model = Create(TestConfigs.Gpt, seed: 24);
        using var source = torch.tensor(new long[] { 5, 6, 7, 8 }).view(1, 4);
        using var target = torch.tensor(new long[] { 1, 20, 21, 22, 23 }).view(1, 5);
        using var changed = torch.tensor(new long[] { 1, 20, 21, 40, 41 }).view(1, 5); // positions 3 and 4 differ

        using var original = model.forward(source, null, target);
        using var altered = model.forward(source, null, changed);

        TensorAssert.Close(original[.., ..3], altered[.., ..3], 1e-6);
        Assert.True(TensorAssert.MaxAbsDifference(original[.., 3..], altered[.., 3..]) > 1e-3);
    }

    [Theory]
    [InlineData("gpt")]
    [InlineData("rotary")]
    public void Decoding_one_token_at_a_time_with_the_cache_equals_decoding_the_whole_target(string configName)
    {
        using var model = Create(Named(configName), seed: 25);
        using var noGrad = torch.no_grad();
        using var source = torch.tensor(new long[,] { { 5, 6, 7, 8, 9, 10, 11 }, { 12, 13, 14, 15, 0, 0, 0 } });
        using var target = torch.tensor(new long[,] { { 1, 20, 21, 22, 23 }, { 1, 30, 31, 32, 33 } });
        using var mask = SourceMask();
        var memory = model.Encode(source, mask);
        using var full = model.Decode(target, memory); // [2, 5, V]
        using var cache = model.CreateCache();

        for (int t = 0; t < 5; t++)
        {
            using var step = model.Decode(target[.., t..(t + 1)], memory, cache); // [2, 1, V]
            TensorAssert.Close(full[.., t..(t + 1)], step, 1e-5);
        }

        Assert.Equal(5, cache.Length);
        Assert.True(cache.CrossAttention.IsFilled);
    }

    [Fact]
    public void Attention_weights_pass_gives_the_fast_logits_and_every_layers_weights()
    {
        var config = TestConfigs.Gpt;
        using var model = Create(config, seed: 26);
        using var source = torch.tensor(new long[,] { { 5, 6, 7, 8, 9, 10, 11 }, { 12, 13, 14, 15, 0, 0, 0 } });
        using var target = torch.tensor(new long[,] { { 1, 20, 21 }, { 1, 30, 31 } });
        using var mask = SourceMask();

        using var fast = model.forward(source, mask, target);
        var weights = model.ForwardWithAttentionWeights(source, mask, target);

        TensorAssert.Close(fast, weights.Logits, 1e-5);
        Assert.Equal(config.LayerCount, weights.Cross.Length);
        Assert.All(weights.Encoder, w => Assert.Equal(new long[] { 2, config.HeadCount, 7, 7 }, w.shape));
        Assert.All(weights.DecoderSelf, w => Assert.Equal(new long[] { 2, config.HeadCount, 3, 3 }, w.shape));
        Assert.All(weights.Cross, w => Assert.Equal(new long[] { 2, config.HeadCount, 3, 7 }, w.shape));
        Assert.All(weights.Cross, w => Assert.Equal(0.0, w[1, .., .., 4..].abs().max().item<float>()));
        Assert.All(weights.DecoderSelf, w => Assert.Equal(0.0, w[.., .., 0, 1..].abs().max().item<float>())); // causal
    }

    [Fact]
    public void State_dict_keys_follow_the_documented_layout()
    {
        var config = TestConfigs.Gpt with { TieEmbeddings = false };
        using var shared = Create(TestConfigs.Gpt, seed: 27);
        using var separate = Create(config, seed: 27, shareEmbeddings: false);

        var sharedKeys = shared.state_dict().Keys.ToHashSet();
        var separateKeys = separate.state_dict().Keys.ToHashSet();

        Assert.Contains("backbone.token_embedding.weight", sharedKeys);
        Assert.Contains("decoder_position_embedding.weight", sharedKeys);
        Assert.Contains("decoder_layers.1.cross_attention.qkv_proj.weight", sharedKeys);
        Assert.Contains("decoder_layers.0.cross_attention_norm.weight", sharedKeys);
        Assert.Contains("decoder_final_norm.weight", sharedKeys);
        Assert.DoesNotContain("decoder_embedding.weight", sharedKeys);
        Assert.DoesNotContain("lm_head.weight", sharedKeys);
        Assert.Contains("decoder_embedding.weight", separateKeys);
        Assert.Contains("lm_head.weight", separateKeys);
        using (torch.no_grad())
        {
            shared.Backbone.TokenEmbeddingWeight.fill_(0.5f); // one matrix: the target embedding sees the change
        }

        Assert.Equal(0.5f, shared.TargetEmbeddingWeight.mean().item<float>(), 6);
    }

    [Fact]
    public void Configurations_that_do_not_fit_together_are_rejected_by_name()
    {
        var wider = TestConfigs.Gpt with { ModelDimension = 32 };
        var otherVocabulary = TestConfigs.Gpt with { VocabularySize = 60 };

        Assert.Equal("decoderConfig", Assert.Throws<ArgumentException>(() => new EncoderDecoderModel(TestConfigs.Gpt, wider, shareEmbeddings: false)).ParamName);
        Assert.Equal("shareEmbeddings", Assert.Throws<ArgumentException>(() => new EncoderDecoderModel(TestConfigs.Gpt, otherVocabulary, shareEmbeddings: true)).ParamName);
        using var separate = new EncoderDecoderModel(TestConfigs.Gpt, otherVocabulary, shareEmbeddings: false);
        Assert.Equal(60, separate.TargetEmbeddingWeight.shape[0]);
    }
}
