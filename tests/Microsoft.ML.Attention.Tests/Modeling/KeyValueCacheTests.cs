using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Modeling;

public class KeyValueCacheTests
{
    private static CausalLanguageModel Create(TransformerConfig config, int seed)
    {
        torch.manual_seed(seed);
        var model = new CausalLanguageModel(config);
        model.eval();
        return model;
    }

    [Theory]
    [InlineData("gpt", "1,1,1,1,1,1,1,1,1")]
    [InlineData("gpt", "4,1,1,1,1,1")]
    [InlineData("gpt", "3,4,1,1")]
    [InlineData("llama", "1,1,1,1,1,1,1,1,1")]
    [InlineData("llama", "4,1,1,1,1,1")]
    [InlineData("llama", "2,3,4")]
    [InlineData("postnorm-sinusoidal", "3,2,1,3")]
    public void Incremental_decoding_equals_the_full_causal_forward(string configName, string chunkLengths)
    {
        var config = TestConfigs.Named(configName);
        using var model = Create(config, seed: 50);
        using var ids = torch.randint(0, config.VocabularySize, [2, 9]);
        using var noGrad = torch.no_grad();
        using var full = model.forward(ids); // [B, T, V]

        using var cache = model.CreateCache();
        var steps = new List<Tensor>();
        var start = 0;
        foreach (var length in chunkLengths.Split(',').Select(int.Parse))
        {
            steps.Add(model.forward(ids[.., start..(start + length)], cache: cache));
            start += length;
            Assert.Equal(start, cache.Length);
        }

        using var incremental = torch.cat(steps, 1);
        TensorAssert.Close(full, incremental);
        steps.ForEach(s => s.Dispose());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Incremental_decoding_with_left_padding_equals_the_full_forward_with_the_same_mask(bool passFullMask)
    {
        var config = TestConfigs.Llama;
        using var model = Create(config, seed: 51);
        using var ids = torch.randint(0, config.VocabularySize, [2, 7]);
        using var mask = torch.tensor(new long[,] { { 1, 1, 1, 1, 1, 1, 1 }, { 0, 0, 1, 1, 1, 1, 1 } });
        using var noGrad = torch.no_grad();
        using var full = model.forward(ids, mask);

        using var cache = model.CreateCache();
        var steps = new List<Tensor> { model.forward(ids[.., ..3], mask[.., ..3], cache) };
        for (var t = 3; t < 7; t++)
        {
            var stepMask = passFullMask ? mask[.., ..(t + 1)] : mask[.., t..(t + 1)];
            steps.Add(model.forward(ids[.., t..(t + 1)], stepMask, cache));
        }

        using var incremental = torch.cat(steps, 1);
        TensorAssert.Close(full[1, 2..], incremental[1, 2..]);
        TensorAssert.Close(full[0], incremental[0]);
        steps.ForEach(s => s.Dispose());
    }

    [Fact]
    public void Reset_empties_the_cache_so_decoding_can_start_again()
    {
        var config = TestConfigs.Gpt;
        using var model = Create(config, seed: 52);
        using var ids = torch.randint(0, config.VocabularySize, [1, 4]);
        using var noGrad = torch.no_grad();
        using var cache = model.CreateCache();
        using var first = model.forward(ids, cache: cache);

        cache.Reset();
        Assert.Equal(0, cache.Length);
        using var second = model.forward(ids, cache: cache);

        TensorAssert.Close(first, second, 0);
    }

    [Fact]
    public void Cached_positions_count_toward_the_maximum_sequence_length()
    {
        var config = TestConfigs.Gpt with { MaxSequenceLength = 6 };
        using var model = Create(config, seed: 53);
        using var ids = torch.randint(0, config.VocabularySize, [1, 4]);
        using var noGrad = torch.no_grad();
        using var cache = model.CreateCache();
        using var logits = model.forward(ids, cache: cache);

        var error = Assert.Throws<ArgumentException>(() => model.forward(ids, cache: cache));

        Assert.Equal("inputIds", error.ParamName);
    }

    [Fact]
    public void A_cache_needs_at_least_one_layer()
    {
        Assert.Equal("layerCount", Assert.Throws<ArgumentException>(() => new KeyValueCache(0)).ParamName);
    }
}
