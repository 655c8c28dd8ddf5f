// Sentiment analysis of restaurant reviews with a transformer fine-tuned from a pretrained encoder, next to ML.NET's classic
// bag-of-words pipeline; saved to a .zip, reloaded, used for a prediction.
//   dotnet run -c Release --project src/Samples/SentimentAnalysis                 all 1,000 yelp reviews, 80/20 split
//   dotnet run -c Release --project src/Samples/SentimentAnalysis -- --quick      120 reviews, one short epoch (seconds)
//   ... -- --text "The pasta was cold."   the review to predict; --output DIR   where the .zip goes
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Attention.Samples;
using Microsoft.ML.Data;
using SentimentAnalysis;

var arguments = new SampleArguments("SentimentAnalysis", args);
var mlContext = new MLContext(seed: 1);
var data = SentimentModel.LoadData(mlContext, arguments.Quick);
var split = mlContext.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
Console.WriteLine($"Data: {data.GetColumn<bool>("Label").Count()} yelp reviews{(arguments.Quick ? " (quick mode)" : "")}, 80/20 split");

var watch = Stopwatch.StartNew();
var model = SentimentModel.Train(SentimentModel.BuildPipeline(mlContext, arguments.Quick), split.TrainSet);
var metrics = SentimentModel.Evaluate(mlContext, model, split.TestSet);
Console.WriteLine($"Transformer fine-tuned from all-MiniLM-L6-v2: accuracy {metrics.Accuracy:P1}, AUC {metrics.AreaUnderRocCurve:F3}, F1 {metrics.F1Score:F3} ({watch.Elapsed.TotalSeconds:F0} s)");

watch.Restart();
var baseline = SentimentModel.Train(SentimentModel.BuildBaselinePipeline(mlContext), split.TrainSet);
var baselineMetrics = SentimentModel.Evaluate(mlContext, baseline, split.TestSet);
Console.WriteLine($"FeaturizeText + SdcaLogisticRegression:        accuracy {baselineMetrics.Accuracy:P1}, AUC {baselineMetrics.AreaUnderRocCurve:F3}, F1 {baselineMetrics.F1Score:F3} ({watch.Elapsed.TotalSeconds:F0} s)");

string path = Path.Combine(arguments.Output, "SentimentAnalysis.zip");
SentimentModel.SaveModel(mlContext, model, split.TrainSet.Schema, path);
(model as IDisposable)?.Dispose();
Console.WriteLine($"Saved: {path} ({new FileInfo(path).Length / (1 << 20)} MB)");

SentimentModel.ModelPath = path;    // consumption reloads the saved .zip, as an app that only predicts would
string text = arguments.Value("text") ?? "The food was great and the staff were friendly.";
var prediction = SentimentModel.Predict(new ModelInput { Text = text });
Console.WriteLine($"Prediction: \"{text}\" -> {(prediction.PredictedLabel ? "positive" : "negative")} (probability of positive {prediction.Probability:F3})");
