using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tests.Modeling;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Attention.Tests.Generation;

public class SequenceToSequenceGeneratorTests
{
    private static readonly TextTokenizer Tokenizer = TextTokenizer.CreateCharacter(["abcdefghijklmnop"]);

    private static readonly string[] Sources = ["abcdefg", "hij", "klmnop", "a"];

    private static SequenceToSequenceGenerator Create(int seed, TransformerConfig? config = null)
    {
        torch.manual_seed(seed);
        var model = new EncoderDecoderModel((config ?? TestConfigs.Gpt) with { VocabularySize = Tokenizer.VocabularySize });
        return new SequenceToSequenceGenerator(model, Tokenizer, Tokenizer);
    }

    private static GenerationOptions Greedy(bool cache = true) => new() { Temperature = 0, MaxNewTokens = 10, UseKeyValueCache = cache };

    private static IReadOnlyList<IReadOnlyList<int>> Run(SequenceToSequenceGenerator generator, IEnumerable<string> sources, GenerationOptions options, BeamSearchOptions? search = null) =>
        generator.GenerateIds(sources.Select(generator.EncodeSource).ToList(), options, search);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Cached_and_uncached_decoding_give_the_same_ids(int beamSize)
    {
        var generator = Create(seed: 30);
        var search = new BeamSearchOptions { BeamSize = beamSize };

        var cached = Run(generator, Sources, Greedy(cache: true), search);
        var uncached = Run(generator, Sources, Greedy(cache: false), search);

        Assert.Equal(cached, uncached);
        Assert.All(cached, row => Assert.NotEmpty(row));
    }

    [Fact]
    public void Beam_size_one_equals_greedy_decoding()
    {
        var generator = Create(seed: 31);

        var greedy = Run(generator, Sources, Greedy());
        var beam = Run(generator, Sources, Greedy(), new BeamSearchOptions { BeamSize = 1 });
        var beamOfOne = Run(generator, Sources, Greedy(), new BeamSearchOptions { BeamSize = 1, LengthPenalty = 0.5f, EarlyStopping = true });

        Assert.Equal(greedy, beam);
        Assert.Equal(greedy, beamOfOne);
    }

    [Theory]
    [InlineData(1, 0f)]
    [InlineData(3, 0f)]
    [InlineData(1, 1f)]
    public void Batched_equals_one_row_at_a_time(int beamSize, float temperature)
    {
        var generator = Create(seed: 33);
        var options = new GenerationOptions { Temperature = temperature, Seed = 7, MaxNewTokens = 10 };
        var search = new BeamSearchOptions { BeamSize = beamSize };

        var batched = Run(generator, Sources, options, search);
        var alone = Sources.Select(s => Run(generator, [s], options, search)[0]).ToList();

        Assert.Equal(alone, batched);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void No_repeat_ngram_size_keeps_every_bigram_unique(int beamSize)
    {
        var generator = Create(seed: 34);
        var options = new GenerationOptions { Temperature = 0, MaxNewTokens = 24 };

        var outputs = Run(generator, Sources, options, new BeamSearchOptions { BeamSize = beamSize, NoRepeatNgramSize = 2 });

        foreach (var row in outputs)
        {
            var withStart = new[] { Tokenizer.Special.Bos }.Concat(row).ToList();
            var bigrams = withStart.Zip(withStart.Skip(1)).ToList();
            Assert.Equal(bigrams.Count, bigrams.Distinct().Count());
        }
    }

    [Fact]
    public void Output_length_is_bounded_by_max_new_tokens_and_the_decoders_context()
    {
        var generator = Create(seed: 35, TestConfigs.Gpt with { MaxSequenceLength = 6 });

        var bounded = Run(generator, Sources, Greedy());
        var few = generator.GenerateIds([generator.EncodeSource("abc")], new GenerationOptions { Temperature = 0, MaxNewTokens = 3 });

        Assert.All(bounded, row => Assert.True(row.Count <= 6));
        Assert.True(few[0].Count <= 3);
        Assert.Equal(6, generator.EncodeSource("abcdefghijklmnop").Count); // content cut to 5, then the end token
    }

    [Fact]
    public void Text_generation_decodes_the_generated_ids()
    {
        var generator = Create(seed: 36);

        var texts = generator.Generate(["abc", null], Greedy(), new BeamSearchOptions { BeamSize = 2 });
        var ids = Run(generator, ["abc", ""], Greedy(), new BeamSearchOptions { BeamSize = 2 });

        Assert.Equal(ids.Select(row => Tokenizer.Decode(row)), texts);
    }

    [Fact]
    public void Banned_tokens_complete_an_earlier_ngram()
    {
        Assert.Equal([3], NoRepeatNgram.BannedTokens([1, 2, 3, 4, 1, 2], 3));
        Assert.Equal([2, 5], NoRepeatNgram.BannedTokens([1, 2, 1, 5, 1], 2));
        Assert.Empty(NoRepeatNgram.BannedTokens([1, 2, 1, 2], 0));
        Assert.Empty(NoRepeatNgram.BannedTokens([1], 2));
    }

    [Theory]
    [InlineData(0, 1f, 0, "BeamSize")]
    [InlineData(65, 1f, 0, "BeamSize")]
    [InlineData(2, float.NaN, 0, "LengthPenalty")]
    [InlineData(2, 1f, -1, "NoRepeatNgramSize")]
    public void Invalid_search_options_are_rejected_by_name(int beamSize, float lengthPenalty, int noRepeat, string option)
    {
        var generator = Create(seed: 37);
        var search = new BeamSearchOptions { BeamSize = beamSize, LengthPenalty = lengthPenalty, NoRepeatNgramSize = noRepeat };

        var error = Assert.Throws<ArgumentException>(() => Run(generator, ["abc"], Greedy(), search));

        Assert.Equal(option, error.ParamName);
    }

    [Fact]
    public void Empty_or_too_long_source_ids_are_rejected()
    {
        var generator = Create(seed: 38);

        Assert.Equal("sourceIds", Assert.Throws<ArgumentException>(() => generator.GenerateIds([[]], Greedy())).ParamName);
        Assert.Equal("sourceIds", Assert.Throws<ArgumentException>(() => generator.GenerateIds([Enumerable.Repeat(1, 33).ToList()], Greedy())).ParamName);
    }
}
