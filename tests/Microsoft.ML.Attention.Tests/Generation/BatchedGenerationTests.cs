using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tests.Causal;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Attention.Tests.Generation;

/// <summary>
/// <see cref="TextGenerator.GenerateBatch"/> and <see cref="TextGenerator.GenerateIdsBatch"/> against one prompt at a time:
/// prompts of different lengths (left padding), each positional scheme, per-row stopping and a full context.
/// </summary>
public class BatchedGenerationTests : IClassFixture<Stories260KFixture>
{
    private static readonly string?[] Prompts =
    [
        "Once upon a time, a little cat named Tom went to the park with his mom",
        "The dog",
        null,
        "Lily saw a big red ball in the garden. She",
        "One day",
    ];

    private readonly Stories260KFixture _stories;

    public BatchedGenerationTests(Stories260KFixture stories) => _stories = stories;

    [Fact]
    public void Greedy_batch_of_prompts_of_different_lengths_gives_each_prompts_own_text_rotary()
    {
        var options = new GenerationOptions { Temperature = 0f, MaxNewTokens = 60 };

        var batched = _stories.Generator.GenerateBatch(Prompts, options);

        Assert.Equal(Prompts.Select(p => _stories.Generator.Generate(p, options)), batched);
        Assert.All(batched, text => Assert.NotEmpty(text));
    }

    [Fact]
    public void Seeded_sampling_in_a_batch_gives_each_prompts_own_text()
    {
        var options = new GenerationOptions { Temperature = 1f, TopP = 0.9f, TopK = 40, RepetitionPenalty = 1.1f, Seed = 42, MaxNewTokens = 50 };

        var batched = _stories.Generator.GenerateBatch(Prompts, options);

        Assert.Equal(Prompts.Select(p => _stories.Generator.Generate(p, options)), batched);
    }

    [Fact]
    public void Rows_stop_on_their_own_at_stop_sequences_and_max_tokens()
    {
        var options = new GenerationOptions { Temperature = 0f, MaxNewTokens = 120, StopSequences = { ".", "ball" } };

        var batched = _stories.Generator.GenerateBatch(Prompts, options);
        var alone = Prompts.Select(p => _stories.Generator.Generate(p, options)).ToList();

        Assert.Equal(alone, batched);
        Assert.Contains(batched, text => text.Length < alone.Max(t => t.Length)); // at least one row stopped before another
    }

    [Fact]
    public void Empty_batch_gives_no_rows_and_the_no_cache_reference_path_agrees()
    {
        var greedy = new GenerationOptions { Temperature = 0f, MaxNewTokens = 30 };
        var reference = new GenerationOptions { Temperature = 0f, MaxNewTokens = 30, UseKeyValueCache = false };

        Assert.Empty(_stories.Generator.GenerateBatch([], greedy));
        Assert.Equal(_stories.Generator.GenerateBatch(Prompts, reference), _stories.Generator.GenerateBatch(Prompts, greedy));
    }

    [Theory]
    [InlineData(PositionalEncodingKind.Learned)]
    [InlineData(PositionalEncodingKind.Sinusoidal)]
    [InlineData(PositionalEncodingKind.Rotary)]
    public void Greedy_ids_of_a_batch_equal_one_prompt_at_a_time_for_each_position_scheme(PositionalEncodingKind positions)
    {
        var (model, tokenizer) = TinyLanguageModel(positions, contextLength: 64);
        using var _ = model;
        var generator = new TextGenerator(model, tokenizer);
        var prompts = CausalModels.ShakespeareLines(skip: 10, count: 6).Select(line => generator.EncodePrompt(line)).ToList();
        var options = new GenerationOptions { Temperature = 0f, MaxNewTokens = 20 };

        var batched = generator.GenerateIdsBatch(prompts, options);

        Assert.True(prompts.Select(p => p.Count).Distinct().Count() > 2, "the prompts should have different lengths");
        Assert.Equal(prompts.Select(p => generator.GenerateIds(p, options)), batched);
    }

    [Fact]
    public void Rows_get_the_same_room_as_alone_when_the_context_fills()
    {
        var (model, tokenizer) = TinyLanguageModel(PositionalEncodingKind.Learned, contextLength: 24);
        using var _ = model;
        var generator = new TextGenerator(model, tokenizer);
        var prompts = new[] { "Fi", "First Citiz", "First Citizen: Before w" }.Select(p => generator.EncodePrompt(p)).ToList();
        var options = new GenerationOptions { Temperature = 0f, MaxNewTokens = 40 };

        var batched = generator.GenerateIdsBatch(prompts, options);

        Assert.Equal(prompts.Select(p => generator.GenerateIds(p, options)), batched);
        Assert.All(prompts.Zip(batched), pair => Assert.Equal(generator.ContextLength + 1, pair.First.Count + pair.Second.Count));
    }

    [Fact]
    public void Live_tensor_count_returns_to_its_start_after_a_batch()
    {
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        _stories.Generator.GenerateBatch(Prompts, new GenerationOptions { Temperature = 0f, MaxNewTokens = 40, StopSequences = { "." } });

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    // A character-level GPT with random weights; the token (and learned position) embeddings are scaled up so that the (tied) logits of a step are
    // far apart compared with the rounding of a batched forward pass. The special rows are zeroed: no early end token.
    private static (CausalLanguageModel Model, TextTokenizer Tokenizer) TinyLanguageModel(PositionalEncodingKind positions, int contextLength)
    {
        var tokenizer = TextTokenizer.CreateCharacter(CausalModels.ShakespeareLines(skip: 0, count: 400));
        var config = new TransformerConfig
        {
            VocabularySize = tokenizer.VocabularySize,
            ModelDimension = 32,
            LayerCount = 2,
            HeadCount = 4,
            KeyValueHeadCount = positions == PositionalEncodingKind.Rotary ? 2 : 0,
            MaxSequenceLength = contextLength,
            PositionalEncoding = positions,
            Dropout = 0,
            AttentionDropout = 0,
        };
        torch.manual_seed(7);
        var model = new CausalLanguageModel(config);
        using (torch.no_grad())
        {
            model.Backbone.TokenEmbeddingWeight.mul_(25);
            foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.Contains("position_embedding", StringComparison.Ordinal)))
            {
                parameter.mul_(25); // learned positions as strong as the tokens, so a wrong position changes the output
            }

            var special = tokenizer.Special;
            foreach (int id in new[] { special.Pad, special.Mask, special.Bos, special.Eos, special.Unk })
            {
                model.Backbone.TokenEmbeddingWeight[id].zero_();
            }
        }

        return (model, tokenizer);
    }
}
