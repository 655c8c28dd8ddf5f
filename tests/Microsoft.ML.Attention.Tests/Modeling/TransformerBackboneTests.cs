using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Modeling;

public class TransformerBackboneTests
{
    private static TransformerBackbone Create(TransformerConfig config, int seed)
    {
        torch.manual_seed(seed);
        var backbone = new TransformerBackbone(config);
        backbone.eval();
        return backbone;
    }

    [Theory]
    [InlineData("gpt")]
    [InlineData("llama")]
    [InlineData("postnorm-sinusoidal")]
    public void Causal_mask_lets_no_future_token_change_an_output(string configName)
    {
        var config = TestConfigs.Named(configName);
        using var backbone = Create(config, seed: 40);
        using var ids = torch.randint(0, config.VocabularySize, [2, 8]);
        using var changed = ids.clone();
        changed[.., 5..] = torch.randint(0, config.VocabularySize, [2, 3]);

        using var original = backbone.forward(ids, null, causal: true);
        using var perturbed = backbone.forward(changed, null, causal: true);

        TensorAssert.Close(original[.., ..5], perturbed[.., ..5], 1e-6);
        Assert.True(TensorAssert.MaxAbsDifference(original[.., 5..], perturbed[.., 5..]) > 1e-4, "Later outputs should see the change.");
    }

    [Fact]
    public void Without_the_causal_mask_a_future_token_changes_earlier_outputs()
    {
        var config = TestConfigs.Gpt;
        using var backbone = Create(config, seed: 41);
        using var ids = torch.randint(0, config.VocabularySize, [1, 6]);
        using var changed = ids.clone();
        changed[0, 5] = (ids[0, 5] + 1) % config.VocabularySize;

        using var original = backbone.forward(ids, null, causal: false);
        using var perturbed = backbone.forward(changed, null, causal: false);

        Assert.True(TensorAssert.MaxAbsDifference(original[0, 0], perturbed[0, 0]) > 1e-4);
    }

    [Theory]
    [InlineData("gpt", false)]
    [InlineData("gpt", true)]
    [InlineData("llama", false)]
    [InlineData("llama", true)]
    [InlineData("postnorm-sinusoidal", false)]
    public void Extra_padding_does_not_change_the_outputs_at_real_positions(string configName, bool causal)
    {
        var config = TestConfigs.Named(configName);
        using var backbone = Create(config, seed: 42);
        using var ids = torch.randint(0, config.VocabularySize, [1, 5]);
        using var padded = torch.cat([ids, torch.randint(0, config.VocabularySize, [1, 3])], 1); // arbitrary ids in the padding
        using var paddedMask = torch.tensor(new long[,] { { 1, 1, 1, 1, 1, 0, 0, 0 } });

        using var alone = backbone.forward(ids, null, causal);
        using var withPadding = backbone.forward(padded, paddedMask, causal);

        TensorAssert.Close(alone, withPadding[.., ..5]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_fully_padded_row_produces_no_NaN(bool useReference)
    {
        var config = TestConfigs.Llama;
        using var backbone = Create(config, seed: 43);
        backbone.UseReferenceAttention = useReference;
        using var ids = torch.randint(0, config.VocabularySize, [2, 4]);
        using var mask = torch.tensor(new[,] { { true, true, true, false }, { false, false, false, false } });

        using var bidirectional = backbone.forward(ids, mask, causal: false);
        using var causal = backbone.forward(ids, mask, causal: true);

        TensorAssert.Finite(bidirectional);
        TensorAssert.Finite(causal);
    }

    [Theory]
    [InlineData("gpt")]
    [InlineData("llama")]
    public void Reference_attention_in_every_layer_matches_the_fast_path(string configName)
    {
        var config = TestConfigs.Named(configName);
        using var backbone = Create(config, seed: 44);
        using var ids = torch.randint(0, config.VocabularySize, [2, 7]);
        using var mask = torch.tensor(new long[,] { { 1, 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 1, 0, 0, 0 } });

        using var fast = backbone.forward(ids, mask, causal: true);
        backbone.UseReferenceAttention = true;
        using var reference = backbone.forward(ids, mask, causal: true);

        Assert.All(backbone.Layers, layer => Assert.True(layer.Attention.UseReferenceAttention));
        TensorAssert.Close(reference, fast);
    }

    [Fact]
    public void Llama_style_state_dict_has_the_documented_keys_and_shapes()
    {
        using var model = new CausalLanguageModel(TestConfigs.Llama);

        var shapes = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);

        var expected = new Dictionary<string, long[]>
        {
            ["backbone.token_embedding.weight"] = [512, 64],
            ["backbone.final_norm.weight"] = [64],
        };
        for (var i = 0; i < 5; i++)
        {
            expected[$"backbone.layers.{i}.attention_norm.weight"] = [64];
            expected[$"backbone.layers.{i}.attention.qkv_proj.weight"] = [(8 + 2 * 4) * 8, 64];
            expected[$"backbone.layers.{i}.attention.out_proj.weight"] = [64, 64];
            expected[$"backbone.layers.{i}.ffn_norm.weight"] = [64];
            expected[$"backbone.layers.{i}.feed_forward.w1.weight"] = [172, 64];
            expected[$"backbone.layers.{i}.feed_forward.w2.weight"] = [64, 172];
            expected[$"backbone.layers.{i}.feed_forward.w3.weight"] = [172, 64];
        }

        Assert.Equal(expected.Keys.Order(), shapes.Keys.Order());
        Assert.All(expected, pair => Assert.Equal(pair.Value, shapes[pair.Key]));
    }

    [Fact]
    public void Weights_are_initialized_from_a_small_normal_with_zero_biases_and_unit_norms()
    {
        using var backbone = Create(TestConfigs.Gpt with { ModelDimension = 64, HeadCount = 4 }, seed: 45);
        var state = backbone.state_dict();

        var embeddingStd = state["token_embedding.weight"].std().item<float>();
        Assert.InRange(embeddingStd, 0.018, 0.022);
        Assert.InRange(state["layers.0.attention.qkv_proj.weight"].std().item<float>(), 0.018, 0.022);
        Assert.Equal(0f, state["layers.0.attention.qkv_proj.bias"].abs().max().item<float>());
        Assert.Equal(1f, state["layers.1.ffn_norm.weight"].min().item<float>());
        Assert.Equal(0f, state["final_norm.bias"].abs().max().item<float>());
        // GPT-2's residual scaling: projections into the residual stream start at 0.02 / sqrt(2 * layers) = 0.01 for 2 layers.
        Assert.InRange(state["layers.0.attention.out_proj.weight"].std().item<float>(), 0.009, 0.011);
        Assert.InRange(state["layers.1.feed_forward.w2.weight"].std().item<float>(), 0.009, 0.011);
    }

    [Fact]
    public void Inputs_longer_than_the_maximum_sequence_length_are_rejected_with_the_parameter_name()
    {
        var config = TestConfigs.Gpt;
        using var backbone = Create(config, seed: 46);
        using var ids = torch.zeros(1, config.MaxSequenceLength + 1, dtype: ScalarType.Int64);
        using var wrongMask = torch.ones(1, 3);
        using var shortIds = torch.zeros(1, 4, dtype: ScalarType.Int64);

        Assert.Equal("inputIds", Assert.Throws<ArgumentException>(() => backbone.forward(ids, null, causal: true)).ParamName);
        Assert.Equal("attentionMask", Assert.Throws<ArgumentException>(() => backbone.forward(shortIds, wrongMask, causal: true)).ParamName);
    }
}
