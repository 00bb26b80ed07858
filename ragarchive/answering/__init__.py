"""Evidence → answer: the grounded prompt, the generators and the verification of citations."""
