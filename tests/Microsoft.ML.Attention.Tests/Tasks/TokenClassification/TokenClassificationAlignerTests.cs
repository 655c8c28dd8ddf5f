using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Attention.Tests.TokenClassification;

public class TokenClassificationAlignerTests
{
    private const int LongestSentence = 41270;   // 172 words, the longest in the file
    private static TextTokenizer Tokenizer => BrownSample.Tokenizer;

    [Fact]
    public void Every_word_of_a_thousand_Brown_sentences_owns_the_sub_words_of_its_own_characters()
    {
        var aligner = new TokenClassificationAligner(Tokenizer, maxLength: 128, stride: 64);
        for (int s = 0; s < 1000; s++)
        {
            string[] words = BrownSample.Words(s);
            var sentence = aligner.Align(words);
            string text = sentence.Text;

            Assert.Equal(words.Length, sentence.FirstToken.Length);
            Assert.Equal(sentence.Tokens.Length, sentence.TokenCount.Sum());
            for (int w = 0; w < words.Length; w++)
            {
                Assert.True(sentence.TokenCount[w] >= 1);
                Assert.Equal(w == 0 ? 0 : sentence.FirstToken[w - 1] + sentence.TokenCount[w - 1], sentence.FirstToken[w]);
                var tokens = sentence.Tokens.AsSpan(sentence.FirstToken[w], sentence.TokenCount[w]).ToArray();
                // The spans tile the word, and the ids are those of the word tokenized alone (BERT splits on spaces first).
                Assert.Equal(words[w], string.Concat(tokens.Select(t => text.Substring(t.Start, t.Length))));
                Assert.Equal(Tokenizer.Encode(words[w]), tokens.Select(t => t.Id));
            }
        }
    }

    [Fact]
    public void Hyphens_numbers_abbreviations_and_dashes_stay_with_their_word()
    {
        // Brown ca01: "-- Principals of the 13 schools ... have been re-elected for the 1961-62 session ... of Supt. Chester O. Strickland ."
        string[] words = BrownSample.Words(183);
        var sentence = new TokenClassificationAligner(Tokenizer, 128, 64).Align(words);

        int Count(string word) => sentence.TokenCount[Array.IndexOf(words, word)];
        Assert.Equal("--", words[0]);
        Assert.Equal(2, Count("--"));
        Assert.Equal(3, Count("1961-62"));
        Assert.Equal(Tokenizer.Encode("re-elected").Length, Count("re-elected"));
        Assert.True(Count("Supt.") >= 2);
        Assert.Equal(1, Count("13"));
        Assert.Equal(words.Length, sentence.FirstToken.Length);
    }

    [Fact]
    public void Words_that_become_unk_or_nothing_still_get_exactly_one_position_each()
    {
        // A real sentence (Brown ca01.1, "The Fulton County Grand Jury said Friday ...") with accents, an emoji, a control character and an
        // empty word put in: the file itself is ASCII.
        var words = BrownSample.Words(0).Take(8).ToList();
        words.InsertRange(2, ["Zürich", "café", "naïve", "\U0001F642", "\u0007", "", new string('x', 150)]);
        var sentence = new TokenClassificationAligner(Tokenizer, 128, 64).Align(words);
        int unk = Tokenizer.Special.Unk;

        Assert.Equal(words.Count, sentence.FirstToken.Length);
        Assert.Equal(Tokenizer.Encode("zurich"), Ids(sentence, 2));
        Assert.Equal(Tokenizer.Encode("cafe"), Ids(sentence, 3));
        Assert.Equal(Tokenizer.Encode("naive"), Ids(sentence, 4));
        Assert.Equal([unk], Ids(sentence, 5));                                   // the emoji: WordPiece's [UNK]
        Assert.Equal([unk], Ids(sentence, 6));                                   // the control character: dropped by BERT, given [UNK]
        Assert.Equal([unk], Ids(sentence, 7));                                   // the empty word: given [UNK]
        Assert.Equal([unk], Ids(sentence, 8));                                   // longer than WordPiece's 100 characters: [UNK]
        Assert.Equal(0, sentence.Tokens[sentence.FirstToken[6]].Length);         // the fallback covers no character
        Assert.Equal(sentence.Text.IndexOf('\u0007', StringComparison.Ordinal), sentence.Tokens[sentence.FirstToken[6]].Start);
        Assert.Equal(Tokenizer.Encode("Fulton"), Ids(sentence, 1));
        Assert.Equal(Tokenizer.Encode("County"), Ids(sentence, 9));
    }

    [Fact]
    public void Labels_sit_on_each_word_s_first_sub_word_and_every_other_position_is_ignored()
    {
        string[] words = BrownSample.Words(183);
        var sentence = new TokenClassificationAligner(Tokenizer, 128, 64).Align(words);
        int[] labels = Enumerable.Range(0, words.Length).ToArray();

        long[] row = TokenClassificationAligner.WindowLabels(sentence, 0, labels);

        Assert.Single(sentence.Windows);
        Assert.Equal(sentence.Tokens.Length + 2, row.Length);
        Assert.Equal(TokenClassificationAligner.IgnoreIndex, row[0]);
        Assert.Equal(TokenClassificationAligner.IgnoreIndex, row[^1]);
        Assert.Equal(labels.Select(l => (long)l), row.Where(l => l != TokenClassificationAligner.IgnoreIndex));
        for (int w = 0; w < words.Length; w++)
            Assert.Equal(w, row[1 + sentence.FirstToken[w]]);
    }

    [Fact]
    public void Each_word_is_predicted_from_the_window_where_it_is_furthest_from_an_edge()
    {
        // Eleven words over twelve tokens (word 5 owns tokens 5 and 6) in windows [0, 6), [3, 9) and [6, 12).
        int[] first = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11];
        int[] count = [1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1];
        var tokens = Enumerable.Range(0, 12).Select(i => new TokenSpan(i, i, 1)).ToArray();
        var sentence = new AlignedSentence(new string[first.Length], tokens, first, count, [(0, 6), (3, 6), (6, 6)]);

        Assert.Equal(0, sentence.PredictionWindow(2));   // token 2: window 0 (2 before, 3 after) is the only one holding it
        Assert.Equal(1, sentence.PredictionWindow(5));   // tokens 5-6: cut by window 0's edge, whole in window 1 (2 before, 2 after)
        Assert.Equal(0, sentence.PredictionWindow(4));   // token 4: 1 on its poorer side in windows 0 and 1; the earlier wins the tie
        Assert.Equal(2, sentence.PredictionWindow(7));   // token 8: window 1's last token (0 after) against window 2 (2 before, 3 after)
        Assert.Equal(2, sentence.PredictionWindow(8));   // token 9: only window 2 holds it
    }

    [Fact]
    public void First_average_and_max_combine_sub_words_as_hugging_face_does()
    {
        // One word of four sub-words, three classes; the packed row is [CLS] t0 t1 t2 t3 [SEP].
        var sentence = new AlignedSentence(["word"], Enumerable.Range(0, 4).Select(i => new TokenSpan(i, i, 1)).ToArray(), [0], [4], [(0, 4)]);
        float[] row = [1, 0, 0, /* t0 */ 0.5f, 0.2f, 0.3f, /* t1 */ 0, 0.1f, 0.9f, /* t2 */ 0, 0.8f, 0.2f, /* t3 */ 0, 0.8f, 0.2f, 1, 0, 0];

        WordPrediction Predict(TokenAggregation aggregation) => Assert.Single(TokenClassificationAligner.Aggregate(sentence, [row], 3, aggregation));

        Assert.Equal(new WordPrediction(0, 0.5f), Predict(TokenAggregation.First));      // the first sub-word's best class
        Assert.Equal(new WordPrediction(2, 0.9f), Predict(TokenAggregation.Max));        // the most confident sub-word, t1
        var average = Predict(TokenAggregation.Average);                                 // mean [0.125, 0.475, 0.4]
        Assert.Equal(1, average.Label);
        Assert.Equal(0.475f, average.Score, 6);
    }

    [Fact]
    public void Byte_level_bpe_tokens_that_carry_the_space_before_a_word_belong_to_that_word()
    {
        // GPT-2 encodes " County" with its leading space: the token starts on the space between two words.
        var gpt2 = TextTokenizer.CreateGpt2();
        string[] words = BrownSample.Words(0);
        var sentence = new TokenClassificationAligner(gpt2, maxLength: 128, stride: 64).Align(words);

        Assert.Equal(words.Length, sentence.FirstToken.Length);
        Assert.Equal(sentence.Tokens.Length, sentence.TokenCount.Sum());
        for (int w = 0; w < words.Length; w++)
            Assert.Equal(words[w], gpt2.Decode(Ids(sentence, w)).Trim());
    }

    [Theory]
    [InlineData("First")]
    [InlineData("Average")]
    [InlineData("Max")]
    public void A_long_sentence_across_overlapping_windows_gets_the_predictions_of_one_window(string aggregationName)
    {
        var aggregation = Enum.Parse<TokenAggregation>(aggregationName);
        // Probabilities that depend on the token alone, so that a word's prediction cannot depend on the window it is read from.
        string[] words = BrownSample.Words(LongestSentence);
        const int classes = 7;
        var whole = new TokenClassificationAligner(Tokenizer, maxLength: 512, stride: 256).Align(words);
        var expected = TokenClassificationAligner.Aggregate(whole, ProbabilitiesOf(whole), classes, aggregation);

        foreach (var (maxLength, stride) in new[] { (24, 8), (40, 30), (64, 40) })
        {
            var windowed = new TokenClassificationAligner(Tokenizer, maxLength, stride).Align(words);
            var predictions = TokenClassificationAligner.Aggregate(windowed, ProbabilitiesOf(windowed), classes, aggregation);

            Assert.True(windowed.Windows.Count > 3, $"{windowed.Windows.Count} windows of {maxLength}");
            Assert.Equal(words.Length, predictions.Length);
            Assert.Equal(expected, predictions);
        }

        static float[][] ProbabilitiesOf(AlignedSentence sentence) => sentence.Windows.Select((window, w) =>
        {
            var values = new float[sentence.WindowLength(w) * classes];
            for (int k = 0; k < window.Count; k++)
            {
                int id = sentence.Tokens[window.First + k].Id;
                var logits = Enumerable.Range(0, classes).Select(c => MathF.Sin(id * (c + 1) * 0.37f)).ToArray();
                float sum = logits.Sum(MathF.Exp);
                for (int c = 0; c < classes; c++)
                    values[((1 + k) * classes) + c] = MathF.Exp(logits[c]) / sum;
            }
            return values;
        }).ToArray();
    }

    [Fact]
    public void A_tiny_model_gives_every_word_one_prediction_through_windows_and_one_window_alike()
    {
        torch.manual_seed(72);
        var config = new TransformerConfig
        {
            VocabularySize = Tokenizer.VocabularySize, ModelDimension = 16, LayerCount = 1, HeadCount = 2, MaxSequenceLength = 512,
            Dropout = 0, AttentionDropout = 0,
        };
        using var model = new TokenClassifier(config, classCount: 5);
        model.eval();
        var sentences = new[] { 0, 183, 276, LongestSentence }.Select(BrownSample.Words).ToList();
        var windowed = new TokenClassificationAligner(Tokenizer, maxLength: 32, stride: 16);
        var large = new TokenClassificationAligner(Tokenizer, maxLength: 512, stride: 256);
        var larger = new TokenClassificationAligner(Tokenizer, maxLength: 400, stride: 100);

        var predictions = TokenClassificationPredictor.Predict(model, windowed, sentences.Select(s => windowed.Align(s)).ToList(), TokenAggregation.First, 4, torch.CPU);
        var oneWindow = TokenClassificationPredictor.Predict(model, large, sentences.Select(s => large.Align(s)).ToList(), TokenAggregation.Average, 4, torch.CPU);
        var alsoOneWindow = TokenClassificationPredictor.Predict(model, larger, sentences.Select(s => larger.Align(s)).ToList(), TokenAggregation.Average, 1, torch.CPU);

        Assert.Equal(sentences.Select(s => s.Length), predictions.Select(p => p.Length));
        Assert.All(predictions.SelectMany(p => p), p => Assert.InRange(p.Score, 0.2f, 1f));   // at least 1/C, the most probable of 5
        Assert.Equal(oneWindow.Length, alsoOneWindow.Length);
        for (int s = 0; s < oneWindow.Length; s++)
        {
            Assert.Equal(oneWindow[s].Select(p => p.Label), alsoOneWindow[s].Select(p => p.Label));
            Assert.Equal(oneWindow[s].Select(p => p.Score), alsoOneWindow[s].Select(p => p.Score), (a, b) => Math.Abs(a - b) < 1e-5);
        }
    }

    private static int[] Ids(AlignedSentence sentence, int word) =>
        sentence.Tokens.AsSpan(sentence.FirstToken[word], sentence.TokenCount[word]).ToArray().Select(t => t.Id).ToArray();
}
