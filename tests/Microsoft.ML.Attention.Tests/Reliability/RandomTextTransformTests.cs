using System.Text;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Tests.Causal;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tests.Fixtures;
using Microsoft.ML.Attention.Tests.QuestionAnswering;
using Microsoft.ML.Attention.Tests.Tokenization;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.Reliability;

/// <summary>
/// Seeded property test: random rows (<see cref="RandomText"/>: every plane, lone surrogates, controls and NUL, RTL, CJK, combining
/// marks, emoji ZWJ sequences, empty and whitespace rows, two 100,000-character rows) through every task's <c>Transform</c> and
/// every tokenizer: one row out per row in, vectors of the schema's size, finite numbers, keys in range, well-formed text, and
/// question-answering answers that are the substring of their context at <c>AnswerStart</c>.
/// </summary>
public class RandomTextTransformTests
{
    private const int RowCount = 200;

    public sealed class RandomRow
    {
        public string Text { get; set; } = "";
        public string Second { get; set; } = "";
    }

    [Theory]
    [MemberData(nameof(SavedModelFixtureTests.Names), MemberType = typeof(SavedModelFixtureTests))]
    public void Random_text_through_each_task_s_saved_model_gives_well_formed_outputs(string name)
    {
        var fixture = SavedModelFixture.All.Single(f => f.Name == name);
        var ml = new MLContext(seed: 1);
        using var model = (TransformerTextTransformer)ml.Model.Load(fixture.ModelPath, out _);
        var rows = Rows(seed: name.Length);
        if (model.Task == TransformerTask.QuestionAnswering)
        {
            // A 100,000-character context needs more windows than the model's MaxWindowsPerRow (64, the default of models saved before
            // it): an error naming the column (QuestionAnsweringWindowLimitTests). The long question stays; the long contexts are cut.
            var error = Assert.Throws<ScoringLimitExceededException>(() => AssertWellFormed(model.Transform(ml.Data.LoadFromEnumerable(rows)), rows, fixture.Columns));
            Assert.Equal("Second", error.ColumnName);
            rows = rows.Select(r => r.Second.Length > 200 ? new RandomRow { Text = r.Text, Second = r.Second[..200] } : r).ToList();
        }

        AssertWellFormed(model.Transform(ml.Data.LoadFromEnumerable(rows)), rows, fixture.Columns);
    }

    [Theory]
    [InlineData(TokenizerKind.Gpt2)]
    [InlineData(TokenizerKind.WordPiece)]
    [InlineData(TokenizerKind.Llama2c)]
    public void Random_questions_and_contexts_give_answers_inside_the_context_with_every_tokenizer(TokenizerKind kind)
    {
        var ml = new MLContext(seed: 1);
        var options = QuestionAnsweringData.Tiny(maxSteps: 1);
        options.QuestionAnswering.ContextColumnName = "Second";
        options.QuestionAnswering.TopAnswerCount = 3;
        options.QuestionAnswering.MaxWindowsPerRow = 1_000_000;   // every window of the 100,000-character contexts (the limit: QuestionAnsweringWindowLimitTests)
        options.Tokenizer = kind;
        options.VocabularyPath = kind switch
        {
            TokenizerKind.WordPiece => WordPieceTokenizerTests.VocabularyPath,
            TokenizerKind.Llama2c => Llama2cTokenizerTests.TokenizerPath,
            _ => null,
        };
        var training = QuestionAnsweringData.DevExamples.Take(8)
            .Select(e => new QuestionRow { Text = e.Question, Second = e.Context, Answer = e.Answers[0].Text, AnswerStart = e.Answers[0].Start });
        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(training.ToList()));
        var rows = Rows(seed: 300 + (int)kind);

        AssertWellFormed(model.Transform(ml.Data.LoadFromEnumerable(rows)), rows, ["Answer", "AnswerStart", "Score", "TopAnswers", "TopAnswerStarts", "TopScores"]);
    }

    [Fact]
    public void Random_prompts_generate_well_formed_text_with_gpt2_and_llama2c_tokenizers()
    {
        var ml = new MLContext(seed: 1);
        var generation = new GenerationOptions { Temperature = 1f, MaxNewTokens = 4, Seed = 3 };
        var options = CausalModels.TinyCharacterLm();
        options.Tokenizer = TokenizerKind.Gpt2;
        options.MaxSteps = 1;
        options.Generation = generation;
        using var gpt2 = ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, CausalModels.ShakespeareLines(0, 16)));
        using var stories = ml.Transforms.ImportLlama2c(CausalModels.StoriesFile("stories260K.bin"), CausalModels.StoriesFile("tok512.bin"),
            promptColumnName: "Text", generation: generation);
        var rows = Rows(seed: 400);

        AssertWellFormed(gpt2.Transform(ml.Data.LoadFromEnumerable(rows)), rows, ["GeneratedText"]);
        AssertWellFormed(stories.Transform(ml.Data.LoadFromEnumerable(rows)), rows, ["GeneratedText"]);
    }

    [Fact]
    public void Sixteen_threads_embedding_random_text_match_single_threaded_results()
    {
        var fixture = SavedModelFixture.All.Single(f => f.Name == "masked-lm-embeddings");
        var ml = new MLContext(seed: 1);
        using var model = (TransformerTextTransformer)ml.Model.Load(fixture.ModelPath, out _);
        var rows = Rows(seed: 500).Take(64).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var expected = TinyModels.ReadVectors(model.Transform(data), "Embedding");

        var results = ConcurrencyTests.RunConcurrently(() => TinyModels.ReadVectors(model.Transform(data), "Embedding"));

        Assert.All(results, actual => Assert.Equal(expected, actual));
    }

    /// <summary><see cref="RowCount"/> random rows (a random second text each) and two rows of 100,000 characters in both texts.</summary>
    private static List<RandomRow> Rows(int seed)
    {
        var random = new RandomText(seed);
        var rows = Enumerable.Range(0, RowCount).Select(_ => new RandomRow { Text = random.Next(), Second = random.Next(200) }).ToList();
        rows.Insert(RowCount / 2, new RandomRow { Text = random.Long(100_000), Second = random.Long(100_000) });
        rows.Add(new RandomRow { Text = random.Next(), Second = random.Long(100_000) });
        return rows;
    }

    private static void AssertWellFormed(IDataView output, IReadOnlyList<RandomRow> rows, IReadOnlyList<string> columns)
    {
        var outputColumns = columns.Select(c => output.Schema[c]).ToList();
        using var cursor = output.GetRowCursor(outputColumns);
        int r = 0;
        while (cursor.MoveNext())
        {
            Assert.True(r < rows.Count, "Transform wrote more rows than it read.");
            var values = outputColumns.ToDictionary(c => c.Name, c => Read(cursor, c));
            if (values.TryGetValue("Answer", out object? answer))
            {
                AssertAnswerInsideContext((string)answer, (int)values["AnswerStart"], (float)values["Score"], rows[r].Second);
            }

            if (values.TryGetValue("TopAnswers", out object? top))
            {
                var (answers, starts, scores) = ((string[])top, (int[])values["TopAnswerStarts"], ((VBuffer<float>)values["TopScores"]).DenseValues().ToArray());
                Assert.Equal(((string)values["Answer"], (int)values["AnswerStart"]), (answers[0], starts[0] == -1 ? 0 : starts[0]));
                for (int k = 0; k < answers.Length; k++)
                {
                    if (starts[k] == -1)
                    {
                        Assert.Equal(("", float.NaN), (answers[k], scores[k]));   // padding after the last distinct answer
                    }
                    else
                    {
                        AssertAnswerInsideContext(answers[k], starts[k], scores[k], rows[r].Second);
                    }
                }
            }

            r++;
        }

        Assert.Equal(rows.Count, r);
    }

    private static void AssertAnswerInsideContext(string answer, int start, float score, string context)
    {
        if (float.IsNaN(score))
        {
            // Documented: no span to score (an empty question or context, or one with no tokens) gives "" at 0.
            Assert.Equal(("", 0), (answer, start));
            return;
        }

        Assert.True(float.IsFinite(score), $"Score {score} for a context of {context.Length} characters.");
        Assert.InRange(start, 0, context.Length);
        Assert.InRange(answer.Length, 0, context.Length - start);
        Assert.Equal(context.Substring(start, answer.Length), answer);
        Assert.False(SplitsPair(context, start) || SplitsPair(context, start + answer.Length), $"The answer at {start} splits a surrogate pair.");
    }

    // The column's value, checked against its schema type: vectors of the declared size with finite values, finite scalars, keys in
    // range, well-formed UTF-16 text.
    private static object Read(DataViewRow row, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case VectorDataViewType { ItemType: TextDataViewType } texts:
                VBuffer<ReadOnlyMemory<char>> answers = default;
                row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column)(ref answers);
                Assert.True(texts.Size == 0 || texts.Size == answers.Length, $"{column.Name}: {answers.Length} values in a vector of {texts.Size}.");
                return answers.DenseValues().Select(a => a.ToString()).ToArray();
            case VectorDataViewType { ItemType: NumberDataViewType } numbers when numbers.ItemType.RawType == typeof(int):
                VBuffer<int> starts = default;
                row.GetGetter<VBuffer<int>>(column)(ref starts);
                Assert.True(numbers.Size == 0 || numbers.Size == starts.Length, $"{column.Name}: {starts.Length} values in a vector of {numbers.Size}.");
                return starts.DenseValues().ToArray();
            case VectorDataViewType { ItemType: KeyDataViewType itemKey } keys:
                VBuffer<uint> labels = default;
                row.GetGetter<VBuffer<uint>>(column)(ref labels);
                Assert.True(keys.Size == 0 || keys.Size == labels.Length, $"{column.Name}: {labels.Length} values in a vector of {keys.Size}.");
                Assert.All(labels.DenseValues(), l => Assert.InRange(l, 1u, (uint)itemKey.Count));
                return labels.DenseValues().ToArray();
            case VectorDataViewType vector:
                VBuffer<float> values = default;
                row.GetGetter<VBuffer<float>>(column)(ref values);
                Assert.True(vector.Size == 0 || vector.Size == values.Length, $"{column.Name}: {values.Length} values in a vector of {vector.Size}.");
                // Top scores are NaN after the last distinct answer (checked with the answers).
                Assert.All(values.DenseValues(), v => Assert.True(float.IsFinite(v) || column.Name == "TopScores", $"{column.Name} holds {v}."));
                return values;
            case KeyDataViewType key:
                uint label = 0;
                row.GetGetter<uint>(column)(ref label);
                Assert.InRange(label, 1u, (uint)key.Count);
                return label;
            case TextDataViewType:
                ReadOnlyMemory<char> text = default;
                row.GetGetter<ReadOnlyMemory<char>>(column)(ref text);
                string value = text.ToString();
                // An answer is a substring of its context, which may itself hold unpaired surrogates (checked apart).
                Assert.True(column.Name == "Answer" || IsWellFormed(value), $"{column.Name} holds an unpaired surrogate: \"{value}\".");
                return value;
            default:
                if (column.Type.RawType == typeof(int))
                {
                    int number = 0;
                    row.GetGetter<int>(column)(ref number);
                    return number;
                }

                if (column.Type.RawType == typeof(bool))
                {
                    bool flag = false;
                    row.GetGetter<bool>(column)(ref flag);
                    return flag;
                }

                float single = 0;
                row.GetGetter<float>(column)(ref single);
                Assert.True(column.Name == "Score" && float.IsNaN(single) || float.IsFinite(single), $"{column.Name} is {single}.");
                if (column.Name == "Probability")
                {
                    Assert.InRange(single, 0f, 1f);
                }

                return single;
        }
    }

    private static bool SplitsPair(string text, int at) =>
        at > 0 && at < text.Length && char.IsHighSurrogate(text[at - 1]) && char.IsLowSurrogate(text[at]);

    private static bool IsWellFormed(string text)
    {
        for (int i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            i += consumed;
        }

        return true;
    }

    private sealed class QuestionRow
    {
        public string Text { get; set; } = "";
        public string Second { get; set; } = "";
        public string Answer { get; set; } = "";
        public int AnswerStart { get; set; }
    }
}
