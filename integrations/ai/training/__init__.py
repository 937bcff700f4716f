"""Training of the committed text models (`make train-ai`): reads the labelled tweets under
`../shared/data` (never committed), fits each model, prints its validation figures and writes its .npz."""
